// SPDX-License-Identifier: MIT
// Helpers for the demo and the benchmarks (not installed):
//   dist-testkit free-port
//   dist-testkit oci-layout --out DIR --tag TAG [--artifact-type T] [--annotation K=V]... FILE=MEDIATYPE...
#include "OciLayout.h"

#include <QCoreApplication>
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
            layers.append({ a.section(u'=', 0, 0), a.section(u'=', 1) });
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
