// SPDX-License-Identifier: MIT
#include "PackCanonicalizer.h"

#include "YamlScalar.h"
#include <core/JcsValue.h>
#include <core/Sha256.h>

#include <QSet>
#include <QStringDecoder>

#include <yaml.h>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <locale.h>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dist {

namespace {

// serde_yaml's own recursion limit: deeper documents fail while parsing, before any conversion.
constexpr int kParserRecursionLimit = 128;

QString lineOf(const yaml_mark_t& mark)
{
    return QStringLiteral("line %1").arg(mark.line + 1);
}

QString keyText(const QByteArray& key)
{
    return QString::fromUtf8(key);
}

struct Frame
{
    JcsValue value;
    bool isMap = false;
    bool isKey = false; // a complex (non-scalar) mapping key: never part of the output
    int depth = 0;
    quint64 startSeq = 0;
    bool expectKey = true;
    bool keyIsString = false;
    QByteArray pendingKey;
    QSet<QByteArray> seen; // key identities, for serde_yaml's duplicate-entry check
    qint64 count = 0;
};

class Builder
{
public:
    explicit Builder(QByteArrayView yaml)
        : m_yaml(yaml)
    {
    }

    std::variant<QByteArray, CanonicalError> run()
    {
        yaml_parser_t parser;
        if (!yaml_parser_initialize(&parser)) {
            return CanonicalError{CanonicalErrorKind::ParseError, QStringLiteral("YAML parse error: out of memory")};
        }
        std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t*)> guard(&parser, yaml_parser_delete);
        static const char empty[] = "";
        yaml_parser_set_input_string(&parser,
                                     reinterpret_cast<const unsigned char*>(m_yaml.data() ? m_yaml.data() : empty),

                                     static_cast<size_t>(m_yaml.size()));
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

        int documents = 0;
        bool haveRoot = false;
        for (;;) {
            yaml_event_t event;
            if (!yaml_parser_parse(&parser, &event)) {
                return parseError(parser);
            }
            std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> eventGuard(&event, yaml_event_delete);
            ++m_seq;
            switch (event.type) {
            case YAML_STREAM_END_EVENT:
                if (m_deferred) {
                    return *m_deferred;
                }
                return haveRoot ? m_root.serialize() : QByteArrayLiteral("null");
            case YAML_DOCUMENT_START_EVENT:
                if (++documents > 1) {
                    return CanonicalError{CanonicalErrorKind::MultiDocument,
                                          QStringLiteral("multi-document YAML not allowed")};
                }
                break;
            case YAML_ALIAS_EVENT:
                return CanonicalError{CanonicalErrorKind::AliasFound,
                                      QStringLiteral("YAML alias found at ") + lineOf(event.start_mark)};
            case YAML_SCALAR_EVENT:
            case YAML_SEQUENCE_START_EVENT:
            case YAML_MAPPING_START_EVENT: {
                const unsigned char* anchor = event.type == YAML_SCALAR_EVENT ? event.data.scalar.anchor
                    : event.type == YAML_SEQUENCE_START_EVENT                 ? event.data.sequence_start.anchor
                                                                              : event.data.mapping_start.anchor;
                if (anchor) {
                    return CanonicalError{CanonicalErrorKind::AnchorFound,
                                          QStringLiteral("YAML anchor found at ") + lineOf(event.start_mark)};
                }
                if (event.type == YAML_SCALAR_EVENT) {
                    if (auto e = onScalar(event)) {
                        return *e;
                    }
                } else if (auto e = onStart(event)) {
                    return *e;
                }
                break;
            }
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT:
                if (auto e = onEnd()) {
                    return *e;
                }
                if (m_stack.empty()) {
                    haveRoot = true;
                }
                break;
            default:
                break;
            }
            if (event.type == YAML_SCALAR_EVENT && m_stack.empty()) {
                haveRoot = true;
            }
        }
    }

private:
    static CanonicalError parseError(const yaml_parser_t& parser)
    {
        QString message = QString::fromUtf8(parser.problem ? parser.problem : "unknown error");
        message += QStringLiteral(" at line %1 column %2")
                       .arg(parser.problem_mark.line + 1)
                       .arg(parser.problem_mark.column + 1);
        if (parser.context) {
            message += QStringLiteral(", ") + QString::fromUtf8(parser.context);
        }
        return CanonicalError{CanonicalErrorKind::ParseError, QStringLiteral("YAML parse error: ") + message};
    }

    // Conversion errors (depth, floats, ranges, lengths, non-string keys) are reported for the
    // earliest offending node in document order, but only if the whole document parses: serde_yaml
    // parses first and converts afterwards.
    void defer(quint64 seq, CanonicalErrorKind kind, const QString& message)
    {
        if (!m_deferred || seq < m_deferredSeq) {
            m_deferred = CanonicalError{kind, message};
            m_deferredSeq = seq;
        }
    }

    int childDepth() const { return m_stack.empty() ? 0 : m_stack.back().depth + 1; }
    bool inKeyContext() const
    {
        for (const Frame& f : m_stack) {
            if (f.isKey) {
                return true;
            }
        }
        return false;
    }

    std::optional<CanonicalError> onStart(const yaml_event_t& event)
    {
        const bool isMap = event.type == YAML_MAPPING_START_EVENT;
        const unsigned char* tag = isMap ? event.data.mapping_start.tag : event.data.sequence_start.tag;
        Frame f;
        f.isMap = isMap;
        f.depth = childDepth();
        f.startSeq = m_seq;
        f.value.type = isMap ? JcsValue::Type::Object : JcsValue::Type::Array;
        if (f.depth > kParserRecursionLimit) {
            return CanonicalError{CanonicalErrorKind::ParseError,
                                  QStringLiteral("YAML parse error: recursion limit exceeded")};
        }
        if (!m_stack.empty() && m_stack.back().isMap && m_stack.back().expectKey) {
            // A sequence or mapping used as a key.
            f.isKey = true;
            ++m_stack.back().count;

            defer(m_seq, CanonicalErrorKind::ParseError, QStringLiteral("YAML parse error: non-string key"));
        } else if (!inKeyContext()) {
            checkDepth(f.depth);
            if (tag) {
                defer(m_seq, CanonicalErrorKind::TagFound,
                      QStringLiteral("YAML tag not allowed: ") + QString::fromUtf8(reinterpret_cast<const char*>(tag)));
            }
        }
        m_stack.push_back(std::move(f));
        return std::nullopt;
    }

    std::optional<CanonicalError> onEnd()
    {
        Frame f = std::move(m_stack.back());
        m_stack.pop_back();
        if (f.isMap && f.count > PackCanonicalizer::kMaxKeysPerMapping && !f.isKey && !inKeyContext()) {
            defer(f.startSeq, CanonicalErrorKind::MaxKeysExceeded,
                  QStringLiteral("mapping has %1 keys, exceeds limit %2")
                      .arg(f.count)
                      .arg(PackCanonicalizer::kMaxKeysPerMapping));
        }
        if (f.isKey) {
            // Complex keys are unique objects for the duplicate check; the key error is deferred.
            Frame& parent = m_stack.back();
            parent.expectKey = false;
            parent.keyIsString = false;
            return std::nullopt;
        }
        return attach(std::move(f.value));
    }

    std::optional<CanonicalError> attach(JcsValue value)
    {
        if (m_stack.empty()) {
            m_root = std::move(value);
            return std::nullopt;
        }
        Frame& parent = m_stack.back();
        if (!parent.isMap) {
            if (!m_deferred) {
                parent.value.items.push_back(std::move(value));
            }
            return std::nullopt;
        }
        if (!m_deferred && parent.keyIsString) {
            parent.value.keys.push_back(parent.pendingKey);
            parent.value.items.push_back(std::move(value));
        }
        parent.expectKey = true;
        return std::nullopt;
    }

    void checkDepth(int depth)
    {
        if (depth > PackCanonicalizer::kMaxDepth) {
            defer(m_seq, CanonicalErrorKind::MaxDepthExceeded,
                  QStringLiteral("nesting depth %1 exceeds limit %2").arg(depth).arg(PackCanonicalizer::kMaxDepth));
        }
    }

    std::optional<CanonicalError> onScalar(const yaml_event_t& event)
    {
        const auto& s = event.data.scalar;
        const std::string_view text(reinterpret_cast<const char*>(s.value), s.length);
        const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && !s.tag;
        const YamlScalar r = plain ? resolvePlainScalar(text) : YamlScalar{};
        const bool keyContext = inKeyContext();

        if (r.kind == YamlScalarKind::BigInteger) {
            return CanonicalError{CanonicalErrorKind::ParseError,
                                  QStringLiteral("YAML parse error: integer %1 does not fit in 64 bits")
                                      .arg(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())))};
        }

        if (!m_stack.empty() && m_stack.back().isMap && m_stack.back().expectKey) {
            Frame& map = m_stack.back();
            ++map.count;
            // serde_yaml compares keys as values: "a" and a are the same key, 1 and "1" are not.
            QByteArray identity;
            if (s.tag) {
                identity = "t:" + QByteArray(reinterpret_cast<const char*>(s.tag)) + ':';
            }
            identity += static_cast<char>('0' + static_cast<int>(r.kind));
            identity += QByteArray(text.data(), static_cast<qsizetype>(text.size()));
            if (r.kind == YamlScalarKind::Integer) {
                identity = (r.magnitude.negative && r.magnitude.value != 0 ? "i-" : "i+")
                    + QByteArray::number(static_cast<quint64>(r.magnitude.value));
            }
            if (map.seen.contains(identity)) {
                return CanonicalError{CanonicalErrorKind::ParseError,
                                      QStringLiteral("YAML parse error: duplicate entry with key \"%1\"")
                                          .arg(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())))};
            }
            map.seen.insert(identity);
            map.expectKey = false;
            map.keyIsString = !s.tag && r.kind == YamlScalarKind::String;
            map.pendingKey = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
            if (keyContext || map.isKey) {
                return std::nullopt;
            }
            if (!map.keyIsString) {
                defer(m_seq, CanonicalErrorKind::ParseError,
                      QStringLiteral("YAML parse error: non-string key: ") + keyText(map.pendingKey));
            } else if (map.pendingKey == "<<") {
                defer(m_seq, CanonicalErrorKind::MergeKey,
                      QStringLiteral("YAML parse error: reason=merge_key_not_allowed: merge keys (<<) not allowed"));
            }
            return std::nullopt;
        }

        JcsValue v;
        if (!keyContext) {
            const int depth = childDepth();
            checkDepth(depth);
            const QString shown = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
            if (s.tag) {
                defer(m_seq, CanonicalErrorKind::TagFound,
                      QStringLiteral("YAML tag not allowed: ")
                          + QString::fromUtf8(reinterpret_cast<const char*>(s.tag)));
            }
            switch (r.kind) {
            case YamlScalarKind::Null:
                v.type = JcsValue::Type::Null;
                break;
            case YamlScalarKind::Bool:
                v.type = JcsValue::Type::Bool;
                v.boolean = r.boolean;
                break;
            case YamlScalarKind::Integer: {
                const YamlU128 limit = static_cast<YamlU128>(PackCanonicalizer::kMaxSafeInteger);
                if (r.magnitude.value > limit) {
                    defer(m_seq, CanonicalErrorKind::IntegerOutOfRange,
                          QStringLiteral("integer %1 out of safe range (±2^53)").arg(shown));
                }
                v.type = JcsValue::Type::Integer;
                const auto mag = static_cast<qint64>(r.magnitude.value > limit ? 0 : r.magnitude.value);
                v.integer = r.magnitude.negative ? -mag : mag;
                break;
            }
            case YamlScalarKind::Float:
                defer(m_seq, CanonicalErrorKind::FloatNotAllowed, QStringLiteral("float values not allowed: ") + shown);
                break;
            case YamlScalarKind::BigInteger:
            case YamlScalarKind::String:
                if (static_cast<qint64>(text.size()) > PackCanonicalizer::kMaxStringLength) {
                    defer(m_seq, CanonicalErrorKind::StringTooLong,
                          QStringLiteral("string length %1 exceeds limit %2")
                              .arg(text.size())
                              .arg(PackCanonicalizer::kMaxStringLength));
                }
                v.type = JcsValue::Type::String;
                v.string = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
                break;
            }
        }
        return attach(std::move(v));
    }

    QByteArrayView m_yaml;
    std::vector<Frame> m_stack;
    JcsValue m_root;
    quint64 m_seq = 0;
    std::optional<CanonicalError> m_deferred;
    quint64 m_deferredSeq = 0;
};

} // namespace

std::variant<QByteArray, CanonicalError> PackCanonicalizer::canonicalize(QByteArrayView yaml)
{
    if (yaml.size() > kMaxTotalSize) {
        return CanonicalError{CanonicalErrorKind::InputTooLarge,
                              QStringLiteral("input size %1 exceeds limit %2").arg(yaml.size()).arg(kMaxTotalSize)};
    }
    // Keep a leading BOM as a character, as a Rust String does, so the pre-scan sees the same lines.
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    const QString text = decoder.decode(yaml);
    if (decoder.hasError()) {
        return CanonicalError{CanonicalErrorKind::InvalidUtf8,
                              QStringLiteral("YAML parse error: input is not valid UTF-8")};
    }
    if (auto e = YamlPreScan::scan(text)) {
        return *e;
    }
    return Builder(yaml).run();
}

Result<QByteArray> PackCanonicalizer::canonicalJson(QByteArrayView yaml, ErrorCode code)
{
    auto r = canonicalize(yaml);
    if (auto* e = std::get_if<CanonicalError>(&r)) {
        return makeError(code, QStringLiteral("canonicalization failed: ") + e->message);
    }
    return std::get<QByteArray>(std::move(r));
}

Result<Digest> PackCanonicalizer::canonicalDigest(QByteArrayView yaml, ErrorCode code)
{
    auto json = canonicalJson(yaml, code);
    if (!json) {
        return json.error();
    }
    return Sha256::hash(json.value());
}

QString PackCanonicalizer::archiveMediaType(QByteArrayView content)
{
    if (content.startsWith(QByteArrayView("PK\x03\x04", 4))) {
        return QStringLiteral("application/vnd.greentic.gtpack+zip");
    }
    if (content.startsWith(QByteArrayView("\x1f\x8b", 2))) {
        return QStringLiteral("application/vnd.greentic.pack.v1+tar+gzip");
    }
    if (content.startsWith(QByteArrayView("\x28\xb5\x2f\xfd", 4))) {
        return QStringLiteral("application/vnd.greentic.pack.v1+tar+zstd");
    }
    return {};
}

Result<QByteArray> PackCanonicalizer::signedForm(QByteArrayView content, ErrorCode code)
{
    if (!archiveMediaType(content).isEmpty()) {
        return content.toByteArray();
    }
    return canonicalJson(content, code);
}

bool PackCanonicalizer::plainScalarIsString(QByteArrayView text)
{
    return resolvePlainScalar(std::string_view(text.data(), static_cast<size_t>(text.size()))).kind
        == YamlScalarKind::String;
}

} // namespace dist
