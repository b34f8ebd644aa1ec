// SPDX-License-Identifier: MIT
#pragma once

#include <pull/PullSource.h>

namespace dist {

class Cache;
class HttpsSource;
class LocalFileSource;

// A YAML pack from a file or an https URL (…/pack.yaml[#sha256:<canonical digest>]): its bytes are
// pulled as the file or https source pulls them, but it is identified by its canonical digest, the
// one a pack lockfile pins.
class YamlPackSource final : public PullSource
{
    Q_OBJECT

public:
    YamlPackSource(Cache& cache, LocalFileSource& files, HttpsSource& https, QObject* parent = nullptr);

    void resolve(const PullRequest& request, ResolveDone done) override;
    void fetch(const PullRequest& request, PullDone done) override;

private:
    void identify(const QString& raw, const Digest& packPin, ErrorCode badContent, Result<PullResult> pulled,
                  PullDone done);

    Cache& m_cache;
    LocalFileSource& m_files;
    HttpsSource& m_https;
};

} // namespace dist
