// SPDX-License-Identifier: MIT
#include <core/Sha256.h>
#include <trust/PackCanonicalizer.h>

#include <QTest>

using namespace dist;

Q_DECLARE_METATYPE(dist::CanonicalErrorKind)

namespace {

QByteArray jcs(const QByteArray& yaml)
{
    auto r = PackCanonicalizer::canonicalize(yaml);
    if (auto* e = std::get_if<CanonicalError>(&r)) {
        qWarning().noquote() << "unexpected rejection:" << e->message;
        return QByteArray();
    }
    return std::get<QByteArray>(r);
}

std::optional<CanonicalError> rejection(const QByteArray& yaml)
{
    auto r = PackCanonicalizer::canonicalize(yaml);
    if (auto* e = std::get_if<CanonicalError>(&r)) {
        return *e;
    }
    return std::nullopt;
}

QByteArray nested(int levels)
{
    // levels mappings deep: a:\n  a:\n    a: 1
    QByteArray out;
    for (int i = 0; i < levels; ++i) {
        out += QByteArray(i * 2, ' ') + "a:\n";
    }
    out += QByteArray(levels * 2, ' ') + "a: 1\n";
    return out;
}

} // namespace

class TestPackCanonicalizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // reference §5.6: the golden digests assay computes.
    void goldenDigests_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("digest");
        QTest::newRow("golden") << QByteArray("name: eu-ai-act-baseline\nversion: \"1.0.0\"\nkind: compliance")
                                << QByteArray(R"({"kind":"compliance","name":"eu-ai-act-baseline","version":"1.0.0"})")
                                << QStringLiteral(
                                       "sha256:f47d932cdad4bde369ed0a7cf26fdcf4077777296346c4102d9017edbc62a070");
        QTest::newRow("name/version") << QByteArray("name: test\nversion: \"1.0.0\"")
                                      << QByteArray(R"({"name":"test","version":"1.0.0"})")
                                      << QStringLiteral(
                                             "sha256:55996d4e16775131502bf8df7cb40d6ee00ab82aae087e45ad23c72e641ff399");
        QTest::newRow("rules") << QByteArray("name: test-pack\nversion: \"1.0.0\"\nrules: []")
                               << QByteArray(R"({"name":"test-pack","rules":[],"version":"1.0.0"})")
                               << QStringLiteral(
                                      "sha256:86968dc7f0e2c16abf2ab12d6072977884d557e7b862628d0bc3b609af9483c5");
        QTest::newRow("ints") << QByteArray("a: 1\nb: 2") << QByteArray(R"({"a":1,"b":2})")
                              << QStringLiteral(
                                     "sha256:43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777");
        QTest::newRow("utf-8") << QByteArray("name: caf\xc3\xa9\nversion: \"1.0.0\"")
                               << QByteArray("{\"name\":\"caf\xc3\xa9\",\"version\":\"1.0.0\"}")
                               << QStringLiteral(
                                      "sha256:b54243da2f14865cc17ae66d8de74dd3b200ee205ff6442054f2fb736a664cfa");
        QTest::newRow("empty") << QByteArray() << QByteArray("null")
                               << QStringLiteral(
                                      "sha256:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b");
        QTest::newRow("signed pack") << QByteArray("kind: compliance\nname: rooted-trust\nversion: \"1.0.0\"\n")
                                     << QByteArray(R"({"kind":"compliance","name":"rooted-trust","version":"1.0.0"})")
                                     << QStringLiteral(
                                            "sha256:394ea774446011e067569a5dfc0a68d458b564781438267095dc74d1a760d07a");
    }
    void goldenDigests()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QByteArray, json);
        QFETCH(QString, digest);
        QCOMPARE(jcs(yaml), json);
        auto d = PackCanonicalizer::canonicalDigest(yaml);
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.message()));
        QCOMPARE(d->toString(), digest);
    }

    void rawDigestIsDifferent()
    {
        // The pre-1.0.2 raw-bytes digest of the golden input: never what a pack digest is.
        const QByteArray yaml("name: eu-ai-act-baseline\nversion: \"1.0.0\"\nkind: compliance");
        QCOMPARE(Sha256::hash(yaml).toString(),
                 QStringLiteral("sha256:5a9a6b1e95e8c1d36779b87212835c9bfa9cae5d98cb9c75fb8c478750e5e200"));
        QVERIFY(PackCanonicalizer::canonicalDigest(yaml)->toString() != Sha256::hash(yaml).toString());
    }

    void invariance()
    {
        QCOMPARE(jcs("z: 1\na: 2\nm: 3"), jcs("a: 2\nm: 3\nz: 1"));
        QCOMPARE(jcs("a: 1\nb: 2"), jcs("a:   1\nb:    2"));
        QCOMPARE(jcs("a: 1\nb: 2"), jcs("a: 1\n\nb: 2"));
        QCOMPARE(jcs("name:   test\nversion:    \"1.0.0\"\n\n"), jcs("name: test\nversion: \"1.0.0\""));
        QCOMPARE(jcs("a: 1\r\nb: 2\r\n"), jcs("a: 1\nb: 2"));
        QCOMPARE(jcs("{b: [1, 2], a: x}"), QByteArray(R"({"a":"x","b":[1,2]})"));
    }

    void scalarResolution_data()
    {
        QTest::addColumn<QByteArray>("scalar");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("null ~") << QByteArray("~") << QByteArray("null");
        QTest::newRow("null empty") << QByteArray("") << QByteArray("null");
        QTest::newRow("Null") << QByteArray("Null") << QByteArray("null");
        QTest::newRow("NULL") << QByteArray("NULL") << QByteArray("null");
        QTest::newRow("nULL") << QByteArray("nULL") << QByteArray("\"nULL\"");
        QTest::newRow("True") << QByteArray("True") << QByteArray("true");
        QTest::newRow("FALSE") << QByteArray("FALSE") << QByteArray("false");
        QTest::newRow("yes is a string") << QByteArray("yes") << QByteArray("\"yes\"");
        QTest::newRow("on is a string") << QByteArray("on") << QByteArray("\"on\"");
        QTest::newRow("hex") << QByteArray("0x1F") << QByteArray("31");
        QTest::newRow("octal") << QByteArray("0o17") << QByteArray("15");
        QTest::newRow("binary") << QByteArray("0b101") << QByteArray("5");
        QTest::newRow("neg hex") << QByteArray("-0x10") << QByteArray("-16");
        QTest::newRow("plus") << QByteArray("+42") << QByteArray("42");
        QTest::newRow("minus zero") << QByteArray("-0") << QByteArray("0");
        QTest::newRow("leading zero") << QByteArray("007") << QByteArray("\"007\"");
        QTest::newRow("neg leading zero") << QByteArray("-01") << QByteArray("\"-01\"");
        QTest::newRow("underscore") << QByteArray("1_000") << QByteArray("\"1_000\"");
        QTest::newRow("0x alone") << QByteArray("0x") << QByteArray("\"0x\"");
        QTest::newRow("inf word") << QByteArray("inf") << QByteArray("\"inf\"");
        QTest::newRow("nan word") << QByteArray("NaN") << QByteArray("\"NaN\"");
        QTest::newRow("infinity") << QByteArray("infinity") << QByteArray("\"infinity\"");
        QTest::newRow("overflowing decimal") << QByteArray("1e400") << QByteArray("\"1e400\"");
        QTest::newRow("semver") << QByteArray("1.0.0") << QByteArray("\"1.0.0\"");
        QTest::newRow("quoted number") << QByteArray("\"1.0\"") << QByteArray("\"1.0\"");
        QTest::newRow("quoted int") << QByteArray("'12'") << QByteArray("\"12\"");
        QTest::newRow("quoted null") << QByteArray("\"null\"") << QByteArray("\"null\"");
        QTest::newRow("max safe") << QByteArray("9007199254740992") << QByteArray("9007199254740992");
        QTest::newRow("min safe") << QByteArray("-9007199254740992") << QByteArray("-9007199254740992");
        QTest::newRow("safe-1") << QByteArray("9007199254740991") << QByteArray("9007199254740991");
        QTest::newRow("-safe+1") << QByteArray("-9007199254740991") << QByteArray("-9007199254740991");
        QTest::newRow("block literal") << QByteArray("|\n  line 1\n  line 2\n") << QByteArray("\"line 1\\nline 2\\n\"");
        QTest::newRow("controls escaped")
            << QByteArray("\"a\\x01\\tb\\u007f/\"") << QByteArray("\"a\\u0001\\tb\x7f/\"");
    }
    void scalarResolution()
    {
        QFETCH(QByteArray, scalar);
        QFETCH(QByteArray, json);
        QCOMPARE(jcs("v: " + scalar), "{\"v\":" + json + "}");
    }

    void rejections_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<CanonicalErrorKind>("kind");
        QTest::newRow("anchor+alias") << QByteArray("anchor: &myanchor value\nref: *myanchor")
                                      << CanonicalErrorKind::AnchorFound;
        QTest::newRow("alias") << QByteArray("ref: *undefined") << CanonicalErrorKind::AliasFound;
        QTest::newRow("list anchor") << QByteArray("items:\n  - &anchor 1\n  - two") << CanonicalErrorKind::AnchorFound;
        QTest::newRow("list alias") << QByteArray("items:\n  - *ref") << CanonicalErrorKind::AliasFound;
        QTest::newRow("R&D false positive") << QByteArray("dept: R&D") << CanonicalErrorKind::AnchorFound;
        QTest::newRow("timestamp tag") << QByteArray("date: !!timestamp 2026-01-29") << CanonicalErrorKind::TagFound;
        QTest::newRow("binary tag") << QByteArray("data: !!binary aGVsbG8=") << CanonicalErrorKind::TagFound;
        QTest::newRow("verbatim tag") << QByteArray("value: !<tag:custom> data") << CanonicalErrorKind::TagFound;
        QTest::newRow("local tag") << QByteArray("value: !custom data") << CanonicalErrorKind::TagFound;
        QTest::newRow("tag in comment") << QByteArray("a: 1 # wow!!") << CanonicalErrorKind::TagFound;
        QTest::newRow("second document") << QByteArray("doc1: value\n---\ndoc2: value")
                                         << CanonicalErrorKind::MultiDocument;
        QTest::newRow("explicit start") << QByteArray("---\ndoc: value") << CanonicalErrorKind::MultiDocument;
        QTest::newRow("document end") << QByteArray("a: 1\n...\n") << CanonicalErrorKind::MultiDocument;
        QTest::newRow("merge key") << QByteArray("base: {a: 1}\n<<: {b: 2}") << CanonicalErrorKind::MergeKey;
        QTest::newRow("pi") << QByteArray("value: 3.14159") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("exp") << QByteArray("value: 1.5e10") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("version 1.0") << QByteArray("version: 1.0") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow(".inf") << QByteArray("v: .inf") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("-.inf") << QByteArray("v: -.Inf") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow(".nan") << QByteArray("v: .NaN") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("1.") << QByteArray("v: 1.") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow(".5") << QByteArray("v: .5") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("underflow") << QByteArray("v: 1e-400") << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("2^53+1") << QByteArray("v: 9007199254740993") << CanonicalErrorKind::IntegerOutOfRange;
        QTest::newRow("-2^53-1") << QByteArray("v: -9007199254740993") << CanonicalErrorKind::IntegerOutOfRange;
        QTest::newRow("u64 max") << QByteArray("v: 18446744073709551615") << CanonicalErrorKind::IntegerOutOfRange;
        QTest::newRow("beyond u64") << QByteArray("v: 18446744073709551616") << CanonicalErrorKind::ParseError;
        QTest::newRow("beyond u128") << QByteArray("v: 999999999999999999999999999999999999999999")
                                     << CanonicalErrorKind::FloatNotAllowed;
        QTest::newRow("61 levels") << nested(61) << CanonicalErrorKind::MaxDepthExceeded;
        QTest::newRow("flow depth") << QByteArray(QByteArray(52, '[') + QByteArray(52, ']'))
                                    << CanonicalErrorKind::MaxDepthExceeded;
        QTest::newRow("complex key") << QByteArray("? [a, b]\n: value") << CanonicalErrorKind::ParseError;
        QTest::newRow("int key") << QByteArray("1: x") << CanonicalErrorKind::ParseError;
        QTest::newRow("bool key") << QByteArray("true: x") << CanonicalErrorKind::ParseError;
        QTest::newRow("null key") << QByteArray("~: x") << CanonicalErrorKind::ParseError;
        QTest::newRow("duplicate") << QByteArray("name: first\nversion: \"1.0.0\"\nname: second")
                                   << CanonicalErrorKind::DuplicateKey;
        QTest::newRow("nested duplicate")
            << QByteArray("outer:\n  inner: 1\n  inner: 2") << CanonicalErrorKind::DuplicateKey;
        QTest::newRow("quoted duplicate") << QByteArray("\"name\": a\n\"name\": b") << CanonicalErrorKind::DuplicateKey;
        QTest::newRow("flow duplicate") << QByteArray("{a: 1, a: 2}") << CanonicalErrorKind::ParseError;
        QTest::newRow("nested flow duplicate") << QByteArray("config: {a: 1, a: 2}") << CanonicalErrorKind::ParseError;
        QTest::newRow("quoted vs plain flow duplicate")
            << QByteArray("{\"a\": 1, a: 2}") << CanonicalErrorKind::ParseError;
        QTest::newRow("same list item") << QByteArray("- a: 1\n  a: 2") << CanonicalErrorKind::ParseError;
        QTest::newRow("syntax") << QByteArray("this is not: valid: yaml: [[") << CanonicalErrorKind::ParseError;
        QTest::newRow("invalid utf-8") << QByteArray("name: caf\xe9") << CanonicalErrorKind::InvalidUtf8;
        QTest::newRow("control char") << QByteArray("name: a\x01") << CanonicalErrorKind::ParseError;
    }
    void rejections()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(CanonicalErrorKind, kind);
        const auto e = rejection(yaml);
        QVERIFY2(e.has_value(), yaml.constData());
        QVERIFY2(e->kind == kind, qPrintable(e->message));
        QVERIFY(!e->message.isEmpty());
    }

    void acceptedEdgeCases_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::newRow("quoted ampersand") << QByteArray("text: \"this & that\"");
        QTest::newRow("quoted star") << QByteArray("pattern: \"*.txt\"");
        QTest::newRow("quoted dashes") << QByteArray("divider: \"---\"");
        QTest::newRow("quoted bangs") << QByteArray("message: \"Hello!! World!!\"");
        QTest::newRow("single quoted amp") << QByteArray("text: 'this & that'");
        QTest::newRow("single quoted star") << QByteArray("pattern: '*.txt'");
        QTest::newRow("bang in string") << QByteArray("hint: \"Use !!binary for base64\"");
        QTest::newRow("colon key") << QByteArray("\"key:with:colons\": value");
        QTest::newRow("escaped quote key") << QByteArray("\"a\\\"b\": 1");
        QTest::newRow("list items") << QByteArray("items:\n  - name: first\n  - name: second");
        QTest::newRow("top list items") << QByteArray("- a: 1\n- a: 2");
        QTest::newRow("shadowed name") << QByteArray("name: outer\nnested:\n  name: inner");
        QTest::newRow("spaced amp") << QByteArray("text: this & that");
        QTest::newRow("star space") << QByteArray("text: 5 * x");
        QTest::newRow("11 levels") << nested(11);
        QTest::newRow("50 levels") << nested(49);
        QTest::newRow("comment only") << QByteArray("# nothing here\n");
    }
    void acceptedEdgeCases()
    {
        QFETCH(QByteArray, yaml);
        const auto e = rejection(yaml);
        QVERIFY2(!e.has_value(), e ? qPrintable(e->message) : "");
    }

    void depthBoundary()
    {
        // Values may sit at depth 50 (root = 0), not 51.
        QVERIFY(!rejection(QByteArray(51, '[') + QByteArray(51, ']')));
        QVERIFY(rejection(QByteArray(52, '[') + QByteArray(52, ']')));
        QVERIFY(rejection(QByteArray(200, '[') + QByteArray(200, ']')));
    }

    void limits()
    {
        const QByteArray huge(PackCanonicalizer::kMaxTotalSize + 1, 'x');
        QCOMPARE(rejection(huge)->kind, CanonicalErrorKind::InputTooLarge);
        QCOMPARE(rejection(huge)->message, QStringLiteral("input size 10485761 exceeds limit 10485760"));

        const QByteArray longString = "s: " + QByteArray(PackCanonicalizer::kMaxStringLength + 1, 'y');
        QCOMPARE(rejection(longString)->kind, CanonicalErrorKind::StringTooLong);
        QVERIFY(!rejection("s: " + QByteArray(PackCanonicalizer::kMaxStringLength, 'y')));
        // Keys are not length-limited, as in assay.
        QVERIFY(!rejection("? " + QByteArray(PackCanonicalizer::kMaxStringLength + 10, 'k') + "\n: 1"));

        QByteArray keys;
        for (int i = 0; i <= PackCanonicalizer::kMaxKeysPerMapping; ++i) {
            keys += "k" + QByteArray::number(i) + ": 1\n";
        }
        QCOMPARE(rejection(keys)->kind, CanonicalErrorKind::MaxKeysExceeded);
        QCOMPARE(rejection(keys)->message, QStringLiteral("mapping has 10001 keys, exceeds limit 10000"));
    }

    void messages()
    {
        QCOMPARE(rejection("name: a\nname: b")->message, QStringLiteral("duplicate key: name"));
        QCOMPARE(rejection("a: &x 1")->message, QStringLiteral("YAML anchor found at line 1"));
        QCOMPARE(rejection("a: 1\nb: *x")->message, QStringLiteral("YAML alias found at line 2"));
        QCOMPARE(rejection("date: !!timestamp 2026-01-29")->message,
                 QStringLiteral("YAML tag not allowed: !!timestamp"));
        QCOMPARE(rejection("v: 3.5")->message, QStringLiteral("float values not allowed: 3.5"));
        QCOMPARE(rejection("v: 9007199254740993")->message,
                 QStringLiteral("integer 9007199254740993 out of safe range (±2^53)"));
        QCOMPARE(rejection(nested(51))->message, QStringLiteral("nesting depth 51 exceeds limit 50"));
        auto r = PackCanonicalizer::canonicalDigest("a: 1.5");
        QVERIFY(!r.ok());
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QCOMPARE(r.message(), QStringLiteral("canonicalization failed: float values not allowed: 1.5"));
        QCOMPARE(PackCanonicalizer::canonicalDigest("a: 1.5", ErrorCode::Integrity).code(), ErrorCode::Integrity);
    }

    void keyOrderFollowsSerdeJcs()
    {
        // Sorted by the escaped, quoted key bytes: "a b" sorts before "a" because ' ' < '"'.
        QCOMPARE(jcs("a: 1\n\"a b\": 2"), QByteArray(R"({"a b":2,"a":1})"));
        QCOMPARE(jcs("b: 1\n\"a\\\"\": 2\na: 3"), QByteArray("{\"a\":3,\"a\\\"\":2,\"b\":1}"));
        QCOMPARE(jcs("\xc3\xa9: 1\nz: 2"), QByteArray("{\"z\":2,\"\xc3\xa9\":1}"));
    }
};

QTEST_GUILESS_MAIN(TestPackCanonicalizer)
#include "tst_packcanonicalizer.moc"
