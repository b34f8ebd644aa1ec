// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace dist::test {

// A real CNCF distribution registry (Debian's docker-registry) on a free 127.0.0.1 port, with its
// storage in a temporary directory. Stopped (and its storage removed) on destruction.
class TestRegistry
{
public:
    TestRegistry();
    ~TestRegistry();

    // Empty on success, else why the registry could not start.
    QString start();
    void stop();

    quint16 port() const { return m_port; }
    QString host() const; // 127.0.0.1:<port>
    QString storageDir() const;
    // Where the registry keeps a blob's bytes (to corrupt it in tests).
    QString blobDataPath(const Digest& digest) const;

    // skopeo copy oci:<layout>:<tag> docker://<host>/<repository>:<tag>; empty on success.
    QString push(const QString& layoutDir, const QString& layoutTag, const QString& repository,
                 const QString& tag = QString(), bool all = false) const;

    // One wasm component layer (`content`) in a greentic component manifest, written as an OCI layout
    // in `layoutDir` and pushed as <repository>:<tag>; empty on success.
    QString pushComponent(const QString& layoutDir, const QString& repository, const QString& tag,
                          const QByteArray& content) const;

    static quint16 freePort();
    // Extra top-level YAML for config.yml (an `auth:` section, say); set before start().
    void setExtraConfig(const QString& yaml) { m_extraConfig = yaml; }
    // user:password for skopeo to push with.
    void setPushCredentials(const QString& credentials) { m_pushCredentials = credentials; }
    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_extraConfig;
    QString m_pushCredentials;
};

} // namespace dist::test
