// SPDX-License-Identifier: MIT
#include "DevDistributor.h"

#include <core/Sha256.h>
#include <runtime/RuntimeClient.h>
#include <trust/PackCanonicalizer.h>
#include <trust/PackSigner.h>
#include <trust/PackTrustStore.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QUrlQuery>

namespace dist::serve {

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

DevReply json(int status, const QJsonObject& o, Headers headers = {})
{
    headers.prepend({"Content-Type", "application/json"});
    return {status, std::move(headers), QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n', {}, 0, 0};
}

DevReply error(int status, const char* code, const QString& message)
{
    return json(
        status,
        QJsonObject{{QStringLiteral("error"), QString::fromLatin1(code)}, {QStringLiteral("message"), message}});
}

DevReply methodNotAllowed(const QByteArray& allow)
{
    DevReply r = error(405, "method_not_allowed", QStringLiteral("use %1").arg(QString::fromLatin1(allow)));
    r.headers.append({"Allow", allow});
    return r;
}

QByteArray headerValue(const Headers& headers, const QByteArray& name)
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

QString utc(const QDateTime& t)
{
    return t.toUTC().toString(Qt::ISODate);
}

Result<QJsonObject> jsonBody(const QByteArray& body)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        return Error{ErrorCode::InvalidInput, QStringLiteral("the request body is not a JSON object")};
    }
    return doc.object();
}

// The fields the Rust request types require; a missing one is a 400 naming it.
std::optional<QString> missingString(const QJsonObject& o, const QStringList& fields)
{
    for (const QString& f : fields) {
        if (!o.value(f).isString() || o.value(f).toString().isEmpty()) {
            return f;
        }
    }
    return std::nullopt;
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

// Streams a file range into the socket a window at a time, so a large component never sits in
// memory and a slow client only holds back its own connection.
class FilePump final : public QObject
{
public:
    static constexpr qint64 kChunk = 256 * 1024;
    static constexpr qint64 kWindow = 1024 * 1024;

    FilePump(QTcpSocket* socket, const QString& path, qint64 offset, qint64 length)
        : QObject(socket)
        , m_socket(socket)
        , m_file(path)
        , m_left(length)
    {
        if (!m_file.open(QIODevice::ReadOnly) || !m_file.seek(offset)) {
            m_left = -1;
        }
    }

    void start()
    {
        if (m_left < 0) {
            m_socket->abort();
            deleteLater();
            return;
        }
        connect(m_socket, &QTcpSocket::bytesWritten, this, &FilePump::pump);
        pump();
    }

private:
    void pump()
    {
        while (m_left > 0 && m_socket->bytesToWrite() < kWindow) {
            const QByteArray chunk = m_file.read(qMin(kChunk, m_left));
            if (chunk.isEmpty()) {
                // The file shrank under us: the promised length cannot be kept, so cut the
                // connection rather than let the client hash a short body as complete.
                m_socket->abort();
                m_left = 0;
                break;
            }
            m_socket->write(chunk);
            m_left -= chunk.size();
        }
        if (m_left == 0) {
            disconnect(m_socket, nullptr, this, nullptr);
            deleteLater();
        }
    }

    QTcpSocket* m_socket;
    QFile m_file;
    qint64 m_left;
};

} // namespace

DevDistributor::DevDistributor(DevLayout layout, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_layout(std::move(layout))
{
}

DevReply DevDistributor::route(const QByteArray& method, const QString& path, const QUrlQuery& query,
                               const Headers& headers, const QByteArray& body)
{
    const QStringList parts = path.split(u'/');
    const bool read = method == "GET" || method == "HEAD";
    if (path == u"/" || path.isEmpty()) {
        return read ? index() : methodNotAllowed("GET, HEAD");
    }
    if (path.startsWith(u"/distributor-api/")) {
        const QString op = path.mid(17);
        if (op == u"resolve-component") {
            return method == "POST" ? resolveComponent(body) : methodNotAllowed("POST");
        }
        if (op == u"pack-status" || op == u"pack-status-v2") {
            return read ? packStatus(query, op.endsWith(u"v2")) : methodNotAllowed("GET, HEAD");
        }
        if (op == u"warm-pack") {
            return method == "POST" ? warmPack(body) : methodNotAllowed("POST");
        }
        return error(404, "not_found", QStringLiteral("no runtime endpoint %1").arg(path));
    }
    if (path.startsWith(u"/v1/")) {
        return read ? registry(parts, headerValue(headers, "If-None-Match")) : methodNotAllowed("GET, HEAD");
    }
    if (path.startsWith(u"/artifacts/")) {
        return read ? artifact(parts, headerValue(headers, "Range")) : methodNotAllowed("GET, HEAD");
    }
    return error(404, "not_found", QStringLiteral("nothing is served at %1").arg(path));
}

DevReply DevDistributor::index() const
{
    return json(200,
                QJsonObject{
                    {QStringLiteral("service"), QStringLiteral("greentic-dist serve")},
                    {QStringLiteral("root"), m_layout.root()},
                    {QStringLiteral("layout"), DevLayout::kindName(m_layout.kind())},
                    {QStringLiteral("signing_key_id"), m_signer ? QJsonValue(m_signer->keyId()) : QJsonValue()},
                    {QStringLiteral("endpoints"),
                     QJsonArray{QStringLiteral("POST /distributor-api/resolve-component"),
                                QStringLiteral("GET /distributor-api/pack-status?pack_id="),
                                QStringLiteral("GET /distributor-api/pack-status-v2?pack_id="),
                                QStringLiteral("POST /distributor-api/warm-pack"),
                                QStringLiteral("GET /v1/packs/{name}/{version}[.sig]"),
                                QStringLiteral("GET /v1/packs/{name}/versions"), QStringLiteral("GET /v1/keys"),
                                QStringLiteral("GET /artifacts/components/{id}/{version}/component.wasm"),
                                QStringLiteral("GET /artifacts/packs/{id}/{version}/pack.gtpack|pack.yaml")}},
                });
}

Result<DevDistributor::FileFacts> DevDistributor::facts(const QString& path)
{
    const QFileInfo info(path);
    FileFacts f{info.size(), info.lastModified(), {}};
    const auto it = m_digests.constFind(path);
    if (it != m_digests.constEnd() && it->size == f.size && it->modified == f.modified) {
        return *it;
    }
    auto digest = Sha256::hashFile(path);
    if (!digest) {
        return digest.error();
    }
    f.digest = digest.value();
    m_digests.insert(path, f);
    return f;
}

Result<QJsonValue> DevDistributor::secretRequirements(const QString& packId) const
{
    const QString path = m_layout.packSecrets(packId);
    if (path.isEmpty()) {
        return QJsonValue();
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Error{ErrorCode::Io, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isArray()) {
        return Error{ErrorCode::InvalidInput,
                     QStringLiteral("%1 must hold a JSON array of secret requirements").arg(path)};
    }
    for (const QJsonValue& v : doc.array()) {
        const auto checked = SecretRequirement::fromJson(v);
        if (!checked) {
            return Error{ErrorCode::InvalidInput, path + QStringLiteral(": ") + checked.error().message};
        }
    }
    return QJsonValue(doc.array());
}

DevReply DevDistributor::resolveComponent(const QByteArray& body)
{
    const auto req = jsonBody(body);
    if (!req) {
        return error(400, "bad_request", req.error().message);
    }
    const QJsonObject& o = req.value();
    if (!o.value(QStringLiteral("tenant")).isObject()) {
        return error(400, "bad_request", QStringLiteral("missing field `tenant`"));
    }
    if (const auto missing = missingString(o,
                                           {QStringLiteral("environment_id"), QStringLiteral("pack_id"),
                                            QStringLiteral("component_id"), QStringLiteral("version")})) {
        return error(400, "bad_request", QStringLiteral("missing field `%1`").arg(*missing));
    }
    const QString packId = o.value(QStringLiteral("pack_id")).toString();
    const QString id = o.value(QStringLiteral("component_id")).toString();
    const QString version = o.value(QStringLiteral("version")).toString();
    const QString path = m_layout.component(id, version);
    if (path.isEmpty()) {
        return error(404, "not_found",
                     QStringLiteral("component %1 %2 is not under %3").arg(id, version, m_layout.root()));
    }
    const auto f = facts(path);
    if (!f) {
        return error(500, "io", f.error().message);
    }
    const auto secrets = secretRequirements(packId);
    if (!secrets) {
        return error(500, "invalid_secrets", secrets.error().message);
    }
    QJsonObject reply{
        {QStringLiteral("status"), QStringLiteral("ready")},
        {QStringLiteral("digest"), f.value().digest.toString()},
        {QStringLiteral("artifact"),
         QJsonObject{{QStringLiteral("kind"), QStringLiteral("file_path")}, {QStringLiteral("path"), path}}},
        // A dev distributor vouches for nothing: components are served as they lie on disk.
        {QStringLiteral("signature"),
         QJsonObject{{QStringLiteral("verified"), false},
                     {QStringLiteral("signer"), QString()},
                     {QStringLiteral("extra"), QJsonObject()}}},
        {QStringLiteral("cache"),
         QJsonObject{{QStringLiteral("size_bytes"), f.value().size},
                     {QStringLiteral("last_used_utc"), utc(QDateTime::currentDateTimeUtc())},
                     {QStringLiteral("last_refreshed_utc"), utc(f.value().modified)}}},
    };
    if (!secrets.value().isNull()) {
        reply.insert(QStringLiteral("secret_requirements"), secrets.value());
    }
    return json(200, reply);
}

DevReply DevDistributor::packStatus(const QUrlQuery& query, bool v2)
{
    const QString packId = query.queryItemValue(QStringLiteral("pack_id"), QUrl::FullyDecoded);
    if (packId.isEmpty()) {
        return error(400, "bad_request", QStringLiteral("missing query parameter pack_id"));
    }
    const QStringList versions = m_layout.packVersions(packId);
    if (versions.isEmpty()) {
        return error(404, "not_found", QStringLiteral("pack %1 is not under %2").arg(packId, m_layout.root()));
    }
    const QJsonObject details{{QStringLiteral("pack_id"), packId},
                              {QStringLiteral("latest"), versions.first()},
                              {QStringLiteral("versions"), QJsonArray::fromStringList(versions)}};
    if (!v2) {
        QJsonObject o = details;
        o.insert(QStringLiteral("status"), QStringLiteral("ready"));
        return json(200, o);
    }
    const auto secrets = secretRequirements(packId);
    if (!secrets) {
        return error(500, "invalid_secrets", secrets.error().message);
    }
    QJsonObject o{{QStringLiteral("status"), QStringLiteral("ready")}, {QStringLiteral("extra"), details}};
    if (!secrets.value().isNull()) {
        o.insert(QStringLiteral("secret_requirements"), secrets.value());
    }
    return json(200, o);
}

DevReply DevDistributor::warmPack(const QByteArray& body)
{
    const auto req = jsonBody(body);
    if (!req) {
        return error(400, "bad_request", req.error().message);
    }
    if (const auto missing = missingString(
            req.value(), {QStringLiteral("tenant_id"), QStringLiteral("environment_id"), QStringLiteral("pack_id")})) {
        return error(400, "bad_request", QStringLiteral("missing field `%1`").arg(*missing));
    }
    const QString packId = req.value().value(QStringLiteral("pack_id")).toString();
    const QStringList versions = m_layout.packVersions(packId);
    if (versions.isEmpty()) {
        return error(404, "not_found", QStringLiteral("pack %1 is not under %2").arg(packId, m_layout.root()));
    }
    QString path = m_layout.pack(packId, versions.first());
    if (path.isEmpty()) {
        path = m_layout.packYaml(packId, versions.first());
    }
    // Warming a dev pack means hashing it now, so the next resolve answers from memory.
    const auto f = facts(path);
    if (!f) {
        return error(500, "io", f.error().message);
    }
    return json(200,
                QJsonObject{{QStringLiteral("status"), QStringLiteral("warm")},
                            {QStringLiteral("pack_id"), packId},
                            {QStringLiteral("version"), versions.first()},
                            {QStringLiteral("digest"), f.value().digest.toString()},
                            {QStringLiteral("size_bytes"), f.value().size}});
}

DevReply DevDistributor::keys() const
{
    if (!m_signer) {
        return error(404, "not_found", QStringLiteral("this dev distributor signs nothing (no --signing-key)"));
    }
    const QJsonObject key{{QStringLiteral("key_id"), m_signer->keyId()},
                          {QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                          {QStringLiteral("public_key"), QString::fromLatin1(m_signer->spki().toBase64())},
                          {QStringLiteral("description"), QStringLiteral("greentic-dist serve dev key")}};
    // Signed by the dev key itself, so only a client that pins it (--export-trust-root, then
    // --trust-root) accepts the manifest; an unsigned one would be trusted by anyone who asks.
    QJsonObject manifest{{QStringLiteral("version"), 1}, {QStringLiteral("keys"), QJsonArray{key}}};
    const QByteArray envelope
        = m_signer->envelope(QJsonDocument(manifest).toJson(QJsonDocument::Compact), PackTrustStore::kKeysPayloadType);
    manifest.insert(QStringLiteral("signature"), QJsonDocument::fromJson(envelope).object());
    return json(200, manifest);
}

DevReply DevDistributor::registryVersions(const QString& name)
{
    const QStringList versions = m_layout.packVersions(name); // YAML packs and .gtpack archives
    if (versions.isEmpty()) {
        return error(404, "pack_not_found", QStringLiteral("pack %1 is not under %2").arg(name, m_layout.root()));
    }
    QJsonArray list;
    for (const QString& v : versions) {
        const QString path = registryPackPath(name, v);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return error(500, "io", QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        }
        const auto form = PackCanonicalizer::signedForm(file.read(PackCanonicalizer::kMaxTotalSize + 1));
        const auto digest = form ? Result<Digest>(Sha256::hash(form.value())) : Result<Digest>(form.error());
        QJsonObject entry{{QStringLiteral("version"), v},
                          {QStringLiteral("published_at"), utc(QFileInfo(path).lastModified())},
                          {QStringLiteral("deprecated"), false}};
        // A pack that does not canonicalize is still listed, so the operator sees it exists; fetching
        // it explains why it cannot be served.
        if (digest) {
            entry.insert(QStringLiteral("digest"), digest.value().toString());
        }
        list.append(entry);
    }
    return json(200, QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("versions"), list}});
}

QString DevDistributor::registryPackPath(const QString& name, const QString& version) const
{
    // The YAML pack when there is one; else the .gtpack, served as its own bytes.
    const QString yaml = m_layout.packYaml(name, version);
    return yaml.isEmpty() ? m_layout.pack(name, version) : yaml;
}

DevReply DevDistributor::registry(const QStringList& parts, const QByteArray& ifNoneMatch)
{
    // parts: "", "v1", "keys" | "", "v1", "packs", name, version[.sig] | "", "v1", "packs", name, "versions"
    if (parts.size() == 3 && parts[2] == u"keys") {
        return keys();
    }
    if (parts.size() != 5 || parts[2] != u"packs" || !DevLayout::isSafeSegment(parts[3])) {
        return error(404, "not_found", QStringLiteral("no pack registry endpoint %1").arg(parts.join(u'/')));
    }
    const QString& name = parts[3];
    QString version = parts[4];
    if (version == u"versions") {
        return registryVersions(name);
    }
    const bool sidecar = version.endsWith(u".sig");
    if (sidecar) {
        version.chop(4);
    }
    const QString path = registryPackPath(name, version);
    if (path.isEmpty()) {
        return error(404, "pack_not_found",
                     QStringLiteral("pack %1@%2 is not under %3").arg(name, version, m_layout.root()));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return error(500, "io", QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    }
    if (file.size() > PackCanonicalizer::kMaxTotalSize) {
        return error(
            413, "pack_too_large",
            QStringLiteral("%1 is larger than the %2-byte pack limit").arg(path).arg(PackCanonicalizer::kMaxTotalSize));
    }
    const QByteArray content = file.readAll();
    const auto canonical = PackCanonicalizer::signedForm(content);
    if (!canonical) {
        return error(422, "invalid_pack", QStringLiteral("%1: %2").arg(path, canonical.error().message));
    }
    const QByteArray envelope
        = m_signer ? m_signer->envelope(canonical.value(), PackTrustStore::kPackPayloadType) : QByteArray();
    if (sidecar) {
        if (envelope.isEmpty()) {
            return error(404, "not_found",
                         QStringLiteral("pack %1@%2 is unsigned (no --signing-key)").arg(name, version));
        }
        return {200, {{"Content-Type", "application/vnd.dsse.envelope+json"}}, envelope, {}, 0, 0};
    }
    const QByteArray digest = Sha256::hash(canonical.value()).toString().toLatin1();
    const QByteArray etag = '"' + digest + '"';
    // Dev content changes under the server's feet, so clients revalidate every time (cheap: 304).
    const QString archive = PackCanonicalizer::archiveMediaType(content);
    Headers headers{{"Content-Type", archive.isEmpty() ? QByteArray("application/x-yaml") : archive.toLatin1()},
                    {"ETag", etag},
                    {"X-Pack-Digest", digest},
                    {"Cache-Control", "no-cache"}};
    // An archive's envelope carries the archive itself: past a header's size, only the .sig sidecar.
    if (!envelope.isEmpty() && envelope.size() <= 8192) {
        headers.append({"X-Pack-Signature", envelope.toBase64()});
        headers.append({"X-Pack-Key-Id", m_signer->keyId().toLatin1()});
    }
    if (!ifNoneMatch.isEmpty() && ifNoneMatch == etag) {
        return {304, headers, {}, {}, 0, 0};
    }
    return {200, headers, content, {}, 0, 0};
}

DevReply DevDistributor::artifact(const QStringList& parts, const QByteArray& range)
{
    // parts: "", "artifacts", "components"|"packs", id, version, file
    if (parts.size() != 6) {
        return error(404, "not_found", QStringLiteral("no artifact at %1").arg(parts.join(u'/')));
    }
    const QString& kind = parts[2];
    const QString& id = parts[3];
    const QString& version = parts[4];
    const QString& leaf = parts[5];
    QString path;
    QByteArray type = "application/octet-stream";
    if (kind == u"components" && leaf == u"component.wasm") {
        path = m_layout.component(id, version);
        type = "application/wasm";
    } else if (kind == u"packs" && leaf == u"pack.gtpack") {
        path = m_layout.pack(id, version);
    } else if (kind == u"packs" && leaf == u"pack.yaml") {
        path = m_layout.packYaml(id, version);
        type = "application/x-yaml";
    }
    if (path.isEmpty()) {
        return error(404, "not_found", QStringLiteral("no artifact at %1").arg(parts.join(u'/')));
    }
    const auto f = facts(path);
    if (!f) {
        return error(500, "io", f.error().message);
    }
    const qint64 size = f.value().size;
    Headers headers{{"Content-Type", type},
                    {"ETag", '"' + f.value().digest.toString().toLatin1() + '"'},
                    {"X-Artifact-Sha256", f.value().digest.hex().toLatin1()},
                    {"Accept-Ranges", "bytes"}};
    qint64 offset = 0;
    qint64 length = size;
    int status = 200;
    // One open-ended or bounded range ("bytes=N-" / "bytes=N-M"), what resuming clients send.
    if (range.startsWith("bytes=") && !range.contains(',')) {
        const QByteArray spec = range.mid(6);
        const int dash = spec.indexOf('-');
        bool okStart = false;
        bool okEnd = true;
        const qint64 start = dash > 0 ? spec.left(dash).toLongLong(&okStart) : -1;
        const qint64 end = dash > 0 && dash + 1 < spec.size() ? spec.mid(dash + 1).toLongLong(&okEnd) : size - 1;
        if (okStart && okEnd && start >= 0) {
            if (start >= size || end < start) {
                return {416, {{"Content-Range", "bytes */" + QByteArray::number(size)}}, {}, {}, 0, 0};
            }
            offset = start;
            length = qMin(end, size - 1) - start + 1;
            status = 206;
            headers.append({"Content-Range",
                            "bytes " + QByteArray::number(offset) + '-' + QByteArray::number(offset + length - 1) + '/'
                                + QByteArray::number(size)});
        }
    }
    return {status, headers, {}, path, offset, length};
}

bool DevDistributor::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray method = methodName(request.method());
    const QUrl url = request.url();
    DevReply reply = route(method, url.path(), QUrlQuery(url), request.headers(), request.body());

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    for (const auto& h : reply.headers) {
        responder.writeHeader(h.first, h.second);
    }
    const qint64 length = reply.file.isEmpty() ? reply.body.size() : reply.length;
    if (reply.status != 304) {
        responder.writeHeader("Content-Length", QByteArray::number(length));
    }
    qint64 sent = 0;
    if (method == "HEAD" || reply.status == 304) {
        responder.writeBody(QByteArray());
    } else if (!reply.file.isEmpty()) {
        responder.writeBody(QByteArray());
        (new FilePump(socket, reply.file, reply.offset, reply.length))->start();
        sent = length;
    } else {
        responder.writeBody(reply.body);
        sent = length;
    }
    const QString target = url.hasQuery() ? url.path() + u'?' + url.query() : url.path();
    Q_EMIT requestServed(QStringLiteral("%1 %2 %3 %4 %5 B %6 ms")
                             .arg(request.remoteAddress().toString(), QString::fromLatin1(method), target)
                             .arg(reply.status)
                             .arg(sent)
                             .arg(double(timer.nsecsElapsed()) / 1e6, 0, 'f', 1));
    return true;
}

void DevDistributor::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket)
{
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

} // namespace dist::serve
