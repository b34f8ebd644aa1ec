// SPDX-License-Identifier: MIT
// Helpers for the demo and the benchmarks (not installed):
//   dist-testkit free-port
//   dist-testkit oci-layout --out DIR --tag TAG [--artifact-type T] [--annotation K=V]... FILE=MEDIATYPE...
//   dist-testkit synth-cache --root DIR --entries N    (a cache of N small, real entries)
//   dist-testkit shape-proxy --upstream PORT [--rtt-ms N] [--conn-rate BYTES_PER_S] [--port P]
//       (a shaping TCP proxy in front of 127.0.0.1:PORT; prints its port, runs until killed)
#include "OciLayout.h"
#include "ThrottleProxy.h"

#include <cache/Cache.h>
#include <core/Sha256.h>

#include <QDateTime>
#include <QRandomGenerator>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTextStream>

#include <cstdio>

using namespace dist;

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.value(0) == u"free-port") {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        out << probe.serverPort() << Qt::endl;
        return 0;
    }
    if (args.value(0) == u"shape-proxy") {
        quint16 upstream = 0;
        quint16 listenPort = 0;
        int rttMs = 0;
        qint64 rate = 0;
        for (int i = 1; i + 1 < args.size(); i += 2) {
            const QString& a = args.at(i);
            const QString& v = args.at(i + 1);
            if (a == u"--upstream") {
                upstream = v.toUShort();
            } else if (a == u"--rtt-ms") {
                rttMs = v.toInt();
            } else if (a == u"--conn-rate") {
                rate = v.toLongLong();
            } else if (a == u"--port") {
                listenPort = v.toUShort();
            } else {
                err << "unexpected argument " << a << Qt::endl;
                return 2;
            }
        }
        if (upstream == 0) {
            err << "shape-proxy needs --upstream PORT" << Qt::endl;
            return 2;
        }
        test::ThrottleProxy proxy(upstream);
        proxy.setRoundTripMs(rttMs);
        proxy.setConnectionBytesPerSecond(rate);
        if (!proxy.listen(listenPort)) {
            err << "shape-proxy: cannot listen" << Qt::endl;
            return 1;
        }
        out << proxy.port() << Qt::endl;
        return QCoreApplication::exec();
    }
    if (args.value(0) == u"synth-cache" && args.size() == 5 && args.at(1) == u"--root" && args.at(3) == u"--entries") {
        // Real entries (blob + entry.json in the cache layout) with spread-out sizes and access
        // times, so retention has real decisions to make. Written directly, without the fsyncs a
        // pull does, because this is a throwaway fixture.
        Cache cache(args.at(2));
        const int n = args.at(4).toInt();
        QRandomGenerator rng(7);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        for (int i = 0; i < n; ++i) {
            const QByteArray bytes = "synthetic-" + QByteArray::number(i);
            CacheEntry e;
            e.digest = Sha256::hash(bytes);
            e.sizeBytes = bytes.size();
            e.mediaType = QStringLiteral("application/wasm");
            e.sourceKind = QStringLiteral("Oci");
            e.rawRef = QStringLiteral("ghcr.io/bench/c%1:1.0").arg(i);
            e.canonicalRef = QStringLiteral("oci://ghcr.io/bench/c%1@").arg(i) + e.digest.toString();
            e.fetchedAt = now - rng.bounded(86400 * 30);
            e.lastAccessedAt = e.fetchedAt + rng.bounded(3600);
            e.state = rng.bounded(100) == 0 ? EntryState::Corrupt : EntryState::Ready;
            e.sourceSnapshot = {e.rawRef, e.canonicalRef, e.sourceKind, false};
            e.localPath = cache.blobPath(e.digest);
            QDir().mkpath(cache.entryDir(e.digest));
            QFile blob(cache.blobPath(e.digest));
            QFile json(cache.entryPath(e.digest));
            if (!blob.open(QIODevice::WriteOnly) || !json.open(QIODevice::WriteOnly)) {
                err << "cannot write " << cache.entryDir(e.digest) << Qt::endl;
                return 1;
            }
            blob.write(bytes);
            json.write(e.toJson());
        }
        out << n << Qt::endl;
        return 0;
    }
    if (args.value(0) != u"oci-layout") {
        err << "usage: dist-testkit free-port | oci-layout --out DIR --tag TAG [--artifact-type T] "
               "[--annotation K=V]... FILE=MEDIATYPE..."
            << Qt::endl;
        return 2;
    }
    QString outDir;
    QString tag;
    QString artifactType = QStringLiteral("application/vnd.greentic.artifact.v1");
    QMap<QString, QString> annotations;
    QList<QPair<QString, QString>> layers;
    for (int i = 1; i < args.size(); ++i) {
        const QString a = args.at(i);
        if (a == u"--out" && i + 1 < args.size()) {
            outDir = args.at(++i);
        } else if (a == u"--tag" && i + 1 < args.size()) {
            tag = args.at(++i);
        } else if (a == u"--artifact-type" && i + 1 < args.size()) {
            artifactType = args.at(++i);
        } else if (a == u"--annotation" && i + 1 < args.size()) {
            const QString kv = args.at(++i);
            annotations.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        } else if (a.contains(u'=')) {
            layers.append({a.section(u'=', 0, 0), a.section(u'=', 1)});
        } else {
            err << "unexpected argument " << a << Qt::endl;
            return 2;
        }
    }
    if (outDir.isEmpty() || tag.isEmpty() || layers.isEmpty()) {
        err << "oci-layout needs --out, --tag and at least one FILE=MEDIATYPE" << Qt::endl;
        return 2;
    }
    test::OciLayout layout(outDir);
    QList<OciDescriptor> descriptors;
    for (const auto& [file, mediaType] : layers) {
        if (!QFile::exists(file)) {
            err << "no such file: " << file << Qt::endl;
            return 2;
        }
        descriptors.append(layout.addBlobFile(file, mediaType));
    }
    const OciDescriptor manifest = layout.addManifest(descriptors, annotations, artifactType);
    layout.tag(tag, manifest);
    layout.finish();
    out << manifest.digest.toString() << Qt::endl;
    return 0;
}
