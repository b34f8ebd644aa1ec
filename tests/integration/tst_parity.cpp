// SPDX-License-Identifier: MIT
// Drop-in parity with the Rust greentic-dist CLI (reference/greentic-distributor-client.md §1):
// one row per command form, run against a real registry and a file source, checking the exit
// code, what goes to stdout and to stderr, and the exact key order of every --json shape.
#include "CliRunner.h"
#include "OciLayout.h"
#include "TestRegistry.h"
#include "TestWaits.h"

#include <core/Sha256.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

namespace {

// The keys of a JSON object in document order (QJsonObject sorts them, so read the text).
QStringList keyOrder(const QByteArray& json)
{
    QStringList keys;
    static const QRegularExpression key(QStringLiteral("^  \"([a-z_]+)\": "), QRegularExpression::MultilineOption);
    auto it = key.globalMatch(QString::fromUtf8(json));
    while (it.hasNext()) {
        keys << it.next().captured(1);
    }
    return keys;
}

} // namespace

class TestParity : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    QString m_file;
    Digest m_fileDigest;
    Digest m_componentPin;
    Digest m_packPin;
    QMap<QString, QString> m_vars;

    QStringList expand(const QStringList& args) const
    {
        QStringList out;
        for (QString a : args) {
            for (auto it = m_vars.constBegin(); it != m_vars.constEnd(); ++it) {
                a.replace(u'{' + it.key() + u'}', it.value());
            }
            out << a;
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString started = m_registry.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_file = m_work.filePath(QStringLiteral("hello.wasm"));
        QFile f(m_file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("\0asm\x0d\0\x01\0parity", 14));
        f.close();
        m_fileDigest = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0parity", 14));

        OciLayout layout(m_work.filePath(QStringLiteral("layout")));
        const OciDescriptor wasm = layout.addBlob(QByteArray("\0asm\x0d\0\x01\0comp", 12),
                                                  QStringLiteral("application/vnd.wasm.component.v1+wasm"));
        const OciDescriptor component
            = layout.addManifest({wasm}, {}, QStringLiteral("application/vnd.greentic.component.v1"));
        layout.tag(QStringLiteral("comp"), component);
        const OciDescriptor packLayer
            = layout.addBlob("gtpack-bytes", QStringLiteral("application/vnd.greentic.gtpack.v1+zip"));
        const OciDescriptor pack
            = layout.addManifest({packLayer}, {}, QStringLiteral("application/vnd.greentic.pack.v1"));
        layout.tag(QStringLiteral("pack"), pack);
        // Packs as the Rust pack fetcher's tests publish them: one application/octet-stream layer.
        layout.tag(
            QStringLiteral("octet"),
            layout.addManifest({layout.addBlob("octet-pack-bytes", QStringLiteral("application/octet-stream"))}));
        layout.tag(
            QStringLiteral("octet2"),
            layout.addManifest({layout.addBlob("octet-pack-bytes-2", QStringLiteral("application/octet-stream"))}));
        layout.finish();
        for (const QString& tag : {QStringLiteral("octet"), QStringLiteral("octet2")}) {
            QVERIFY(m_registry.push(layout.dir(), tag, QStringLiteral("org/") + tag, QStringLiteral("1")).isEmpty());
        }
        QVERIFY(m_registry.push(layout.dir(), QStringLiteral("comp"), QStringLiteral("org/comp"), QStringLiteral("1"))
                    .isEmpty());
        QVERIFY(m_registry.push(layout.dir(), QStringLiteral("pack"), QStringLiteral("org/pack"), QStringLiteral("1"))
                    .isEmpty());
        m_componentPin = component.digest;
        m_packPin = pack.digest;
        m_vars = {{QStringLiteral("REG"), m_registry.host()},
                  {QStringLiteral("FILE"), m_file},
                  {QStringLiteral("FILEDIGEST"), m_fileDigest.toString()},
                  {QStringLiteral("PIN"), m_componentPin.toString()},
                  {QStringLiteral("PACKPIN"), m_packPin.toString()},
                  {QStringLiteral("MISSING"), Sha256::hash("missing").toString()},
                  {QStringLiteral("LOCK"), m_work.filePath(QStringLiteral("pack.lock.json"))}};
        QFile lock(m_vars.value(QStringLiteral("LOCK")));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(
            QStringLiteral(
                "{\"schema_version\": 1, \"components\": [\"%1\", {\"name\": \"c\", \"ref\": \"%2/org/comp:1\"}]}")
                .arg(m_file, m_registry.host())
                .toUtf8());
    }

    void commandForms_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stdoutPattern"); // a regular expression for the whole of stdout
        QTest::addColumn<QString>("stderrPattern"); // the same for stderr; "" means it must be empty
        QTest::addColumn<QStringList>("jsonKeys"); // key order of the (first) JSON object printed

        const QString digest = QStringLiteral("sha256:[0-9a-f]{64}");
        const QString path = QStringLiteral("/\\S+/blob");
        auto row = [](const char* name, const QStringList& a, int code, const QString& out, const QString& err,
                      const QStringList& keys = {}) { QTest::newRow(name) << a << code << out << err << keys; };

        // §1.2 resolve
        row("resolve file", {QStringLiteral("resolve"), QStringLiteral("{FILE}")}, 0, QStringLiteral("{FILEDIGEST}\n"),
            {});
        row("resolve oci tag", {QStringLiteral("resolve"), QStringLiteral("oci://{REG}/org/comp:1")}, 0,
            QStringLiteral("{PIN}\n"), {});
        row("resolve --json", {QStringLiteral("resolve"), QStringLiteral("{FILE}"), QStringLiteral("--json")}, 0,
            QStringLiteral("\\{\n.*\n\\}\n"), {}, {QStringLiteral("reference"), QStringLiteral("digest")});
        // §1.2 pull
        row("pull file", {QStringLiteral("pull"), QStringLiteral("{FILE}")}, 0, path + u'\n', {});
        row("pull oci", {QStringLiteral("pull"), QStringLiteral("{REG}/org/comp:1")}, 0, path + u'\n', {});
        row("pull --json", {QStringLiteral("pull"), QStringLiteral("{REG}/org/comp@{PIN}"), QStringLiteral("--json")},
            0, QStringLiteral("\\{\n.*\n\\}\n"), {},
            {QStringLiteral("reference"), QStringLiteral("digest"), QStringLiteral("cache_path"),
             QStringLiteral("fetched")});
        row("pull --lock", {QStringLiteral("pull"), QStringLiteral("--lock"), QStringLiteral("{LOCK}")}, 0,
            QStringLiteral("%1 %2\n%1 %2\n").arg(digest, path), {});
        row("pull --lock --json",
            {QStringLiteral("pull"), QStringLiteral("--lock"), QStringLiteral("{LOCK}"), QStringLiteral("--json")}, 0,
            QStringLiteral("\\[\n.*\n\\]\n"), {}, {});
        row("pull REF --lock: lock wins",
            {QStringLiteral("pull"), QStringLiteral("oci://nowhere.invalid/x:1"), QStringLiteral("--lock"),
             QStringLiteral("{LOCK}")},
            0, QStringLiteral("%1 %2\n%1 %2\n").arg(digest, path), {});
        // §1.2 cache
        row("cache ls", {QStringLiteral("cache"), QStringLiteral("ls")}, 0, QStringLiteral("(%1\n)+").arg(digest), {});
        row("cache ls --json", {QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")}, 0,
            QStringLiteral("\\[\n(  \"%1\",?\n)+\\]\n").arg(digest), {});
        row("cache gc --json (nothing)", {QStringLiteral("cache"), QStringLiteral("gc"), QStringLiteral("--json")}, 0,
            QStringLiteral("\\[\\]\n"), {});
        row("cache gc (nothing)", {QStringLiteral("cache"), QStringLiteral("gc")}, 0, {}, {});
        // §1.2 inspect and pack
        row("inspect component",
            {QStringLiteral("inspect"), QStringLiteral("{REG}/org/comp:1"), QStringLiteral("--show-media-type")}, 0,
            QStringLiteral(
                "cache dir: \\S+\nartifact type: Component\ncomponent.wasm: true\ncomponent.manifest.json: false\n"
                "selected media type: application/vnd.wasm.component.v1\\+wasm\n"),
            {});
        row("pack by digest", {QStringLiteral("pack"), QStringLiteral("{REG}/org/pack@{PACKPIN}")}, 0, path + u'\n',
            {});
        row("pack --json",
            {QStringLiteral("pack"), QStringLiteral("{REG}/org/pack@{PACKPIN}"), QStringLiteral("--json")}, 0,
            QStringLiteral("\\{\n.*\n\\}\n"), {},
            {QStringLiteral("reference"), QStringLiteral("digest"), QStringLiteral("media_type"),
             QStringLiteral("cache_path"), QStringLiteral("fetched")});
        row("pack tag refused", {QStringLiteral("pack"), QStringLiteral("{REG}/org/pack:1")}, 2, {},
            QStringLiteral("oci pack error: tagged reference .* is disallowed.*\n"));
        row("pack tag allowed",
            {QStringLiteral("pack"), QStringLiteral("{REG}/org/pack:1"), QStringLiteral("--allow-tags")}, 0,
            path + u'\n', {});
        row("pack digest offline",
            {QStringLiteral("--offline"), QStringLiteral("pack"), QStringLiteral("{REG}/org/pack@{PACKPIN}")}, 0,
            path + u'\n', {});
        row("pack of an octet-stream image",
            {QStringLiteral("pack"), QStringLiteral("{REG}/org/octet:1"), QStringLiteral("--allow-tags"),
             QStringLiteral("--json")},
            0, QStringLiteral("\\{\n.*\"media_type\": \"application/octet-stream\".*\n\\}\n"), {},
            {QStringLiteral("reference"), QStringLiteral("digest"), QStringLiteral("media_type"),
             QStringLiteral("cache_path"), QStringLiteral("fetched")});
        row("pull keeps the component rule", {QStringLiteral("inspect"), QStringLiteral("{REG}/org/octet2:1")}, 0,
            QStringLiteral("cache dir: \\S+\nartifact type: Component\n.*"), {});
        row("pack of an octet-stream image pulled before",
            {QStringLiteral("pack"), QStringLiteral("{REG}/org/octet2:1"), QStringLiteral("--allow-tags")}, 0,
            path + u'\n', {});
        row("pack of a component refused", {QStringLiteral("pack"), QStringLiteral("{REG}/org/comp@{PIN}")}, 2, {},
            QStringLiteral("oci pack error: .* is a component \\(application/vnd.wasm.component.v1\\+wasm\\), not a "
                           "pack\n"));
        // §1.2 cache rm: the report goes to stderr in text mode, the RetentionReport with --json
        row("cache rm", {QStringLiteral("cache"), QStringLiteral("rm"), QStringLiteral("{FILEDIGEST}")}, 0, {},
            QStringLiteral("evicted 1 entries, reclaimed 14 bytes\n"));
        row("pull file again", {QStringLiteral("pull"), QStringLiteral("{FILE}")}, 0, path + u'\n', {});
        row("cache rm --json",
            {QStringLiteral("cache"), QStringLiteral("rm"), QStringLiteral("{FILEDIGEST}"), QStringLiteral("--json")},
            0, QStringLiteral("\\{\n.*\n\\}\n"), {},
            {QStringLiteral("scanned_entries"), QStringLiteral("kept"), QStringLiteral("evicted"),
             QStringLiteral("protected"), QStringLiteral("bytes_reclaimed"), QStringLiteral("refusals")});
        // §1.2 rules
        row("--channel without --release",
            {QStringLiteral("resolve"), QStringLiteral("{FILE}"), QStringLiteral("--channel"), QStringLiteral("dev")},
            2, {}, QStringLiteral("--channel requires --release\n"));
        row("--lock with --release",
            {QStringLiteral("pull"), QStringLiteral("--lock"), QStringLiteral("{LOCK}"), QStringLiteral("--release"),
             QStringLiteral("1")},
            2, {}, QStringLiteral("--release is only supported when pulling a single reference\n"));
        row("pull with nothing", {QStringLiteral("pull")}, 2, {},
            QStringLiteral("pull requires either a reference or --lock\n"));
        // §1.3 exit codes and messages
        row("invalid reference", {QStringLiteral("resolve"), QStringLiteral("oci://host")}, 2, {},
            QStringLiteral("invalid reference `oci://host`.*\n"));
        row("insecure url", {QStringLiteral("resolve"), QStringLiteral("http://example.com/x.wasm")}, 2, {},
            QStringLiteral("insecure url `http://example.com/x.wasm`: only https is allowed\n"));
        row("not found", {QStringLiteral("resolve"), QStringLiteral("{MISSING}")}, 3, {},
            QStringLiteral("reference `{MISSING}` not found\n"));
        row("offline https",
            {QStringLiteral("--offline"), QStringLiteral("resolve"), QStringLiteral("https://example.com/x.wasm")}, 4,
            {}, QStringLiteral("offline mode forbids fetching `https://example.com/x.wasm`\n"));
        row("offline oci tag",
            {QStringLiteral("pull"), QStringLiteral("{REG}/org/comp:1"), QStringLiteral("--offline")}, 4, {},
            QStringLiteral("offline mode forbids fetching .*\n"));
        row("offline pinned from cache",
            {QStringLiteral("--offline"), QStringLiteral("pull"), QStringLiteral("{REG}/org/comp@{PIN}")}, 0,
            path + u'\n', {});
        row("store without credentials",
            {QStringLiteral("resolve"), QStringLiteral("store://greentic-biz/acme/catalogs/x:latest")}, 5, {},
            QStringLiteral(".*acme.*\n"));
        row("bad lockfile", {QStringLiteral("pull"), QStringLiteral("--lock"), QStringLiteral("{FILE}")}, 2, {},
            QStringLiteral("invalid lockfile: .*\n"));
        row("unknown flag", {QStringLiteral("resolve"), QStringLiteral("--frobnicate"), QStringLiteral("{FILE}")}, 2,
            {}, QStringLiteral("error: .*\n"));
        row("--help", {QStringLiteral("--help")}, 0, QStringLiteral("greentic-dist .*"), {});
        row("--version", {QStringLiteral("--version")}, 0, QStringLiteral("greentic-dist \\d+\\.\\d+\\.\\d+\n"), {});
        row("completion bash", {QStringLiteral("completion"), QStringLiteral("bash")}, 0,
            QStringLiteral(
                "# bash completion.*complete -o default -F _greentic_dist greentic-dist greentic-distributor-client\n"),
            {});
        row("completion fish", {QStringLiteral("completion"), QStringLiteral("fish")}, 2, {},
            QStringLiteral("unsupported shell.*\n"));
    }

    void commandForms()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, stdoutPattern);
        QFETCH(QString, stderrPattern);
        QFETCH(QStringList, jsonKeys);
        // One cache for all rows, in order: later rows rely on what earlier ones pulled.
        const CliRunner cli(m_work.filePath(QStringLiteral("cache")));
        const CliResult r = cli.run(expand(args));
        QVERIFY2(!r.crashed, r.err.constData());
        QVERIFY2(r.exitCode == exitCode,
                 qPrintable(QStringLiteral("exit %1, expected %2; stderr: %3")
                                .arg(r.exitCode)
                                .arg(exitCode)
                                .arg(QString::fromUtf8(r.err))));
        auto matches = [this](const QString& pattern, const QByteArray& text) {
            if (pattern.isEmpty()) {
                return text.isEmpty();
            }
            const QRegularExpression re(QRegularExpression::anchoredPattern(expand({pattern}).first()),
                                        QRegularExpression::DotMatchesEverythingOption);
            return re.match(QString::fromUtf8(text)).hasMatch();
        };
        QVERIFY2(matches(stdoutPattern, r.out), qPrintable(QStringLiteral("stdout: ") + QString::fromUtf8(r.out)));
        QVERIFY2(matches(stderrPattern, r.err), qPrintable(QStringLiteral("stderr: ") + QString::fromUtf8(r.err)));
        if (!jsonKeys.isEmpty()) {
            QCOMPARE(keyOrder(r.out), jsonKeys);
        }
        if (r.out.startsWith('[') && args.contains(QStringLiteral("--lock"))) {
            // pull --lock --json: the Rust shape per entry, with the entry's reference filled in.
            const QJsonArray a = QJsonDocument::fromJson(r.out).array();
            QCOMPARE(a.size(), 2);
            QCOMPARE(a.at(0).toObject().keys(),
                     (QStringList{QStringLiteral("cache_path"), QStringLiteral("digest"), QStringLiteral("fetched"),
                                  QStringLiteral("reference")}));
            QCOMPARE(a.at(0).toObject().value(u"reference").toString(), m_file);
        }
    }

    void deprecatedAliasWarnsOnce()
    {
        const QString alias
            = QFileInfo(CliRunner::binary()).absolutePath() + QStringLiteral("/greentic-distributor-client");
        QVERIFY(QFileInfo::exists(alias));
        QProcess p;
        p.start(alias, {QStringLiteral("resolve"), m_file});
        QVERIFY(p.waitForFinished(scaled(30000)));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(p.readAllStandardOutput(), (m_fileDigest.toString() + u'\n').toUtf8());
        QCOMPARE(p.readAllStandardError(),
                 QByteArray("warning: `greentic-distributor-client` CLI is deprecated; use `greentic-dist` instead\n"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GREENTIC_SILENCE_DEPRECATION_WARNINGS"), QStringLiteral("1"));
        p.setProcessEnvironment(env);
        p.start(alias, {QStringLiteral("resolve"), m_file});
        QVERIFY(p.waitForFinished(scaled(30000)));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestParity)
#include "tst_parity.moc"
