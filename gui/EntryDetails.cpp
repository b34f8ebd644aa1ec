// SPDX-License-Identifier: MIT
#include "EntryDetails.h"

#include <QDateTime>
#include <QLocale>

namespace dist::gui {

namespace {

QString row(const QString& name, const QString& value)
{
    return QStringLiteral("<tr><td style='color:#666;padding-right:12px'>%1</td><td>%2</td></tr>")
        .arg(name.toHtmlEscaped(), value);
}

QString plain(const QString& s)
{
    return s.isEmpty() ? QStringLiteral("<i>none</i>") : s.toHtmlEscaped();
}

QString isoTime(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs).toString(Qt::ISODate);
}

} // namespace

EntryDetails::EntryDetails(QWidget* parent)
    : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("entryDetails"));
    setOpenLinks(false);
    showEntry(nullptr, std::nullopt);
}

void EntryDetails::showEntry(const CacheEntry* e, const std::optional<BundleRecord>& bundle,
                             const QList<CacheEntry>& referrers, const QString& signatureKept)
{
    if (!e) {
        setHtml(tr("<p style='color:#666'>Select an entry to see its details.</p>"));
        return;
    }
    QString html = QStringLiteral("<h3 style='margin:0'>%1</h3><table>").arg(e->digest.toString().toHtmlEscaped());
    html += row(tr("Reference"), plain(e->rawRef));
    html += row(tr("Canonical"), plain(e->canonicalRef));
    html += row(tr("Came from"), plain(e->fetchedFrom.isEmpty() ? e->sourceKind : e->fetchedFrom));
    html += row(tr("Source kind"), plain(e->sourceKind));
    html += row(tr("Type"), artifactTypeName(e->artifactType));
    html += row(tr("Media type"), plain(e->mediaType));
    html += row(tr("Size"),
                QLocale::system().formattedDataSize(e->sizeBytes) + QStringLiteral(" (%1 bytes)").arg(e->sizeBytes));
    html += row(tr("State"), entryStateName(e->state));
    if (!e->manifestDigest.isEmpty()) {
        html += row(tr("Manifest"), plain(e->manifestDigest));
    }
    if (!e->platformManifestDigest.isEmpty()) {
        html += row(tr("Platform manifest"), plain(e->platformManifestDigest));
    }
    html += row(tr("Fetched"), isoTime(e->fetchedAt));
    html += row(tr("Last used"), isoTime(e->lastAccessedAt));
    html += row(tr("Last verified"), e->lastVerifiedAt ? isoTime(*e->lastVerifiedAt) : tr("<i>never</i>"));
    html += row(
        tr("Signature"),
        e->signatureSummary
            ? QStringLiteral("%1 — %2").arg(e->signatureSummary->outcome, e->signatureSummary->detail).toHtmlEscaped()
            : tr("<i>unsigned (no signature check has passed)</i>"));
    if (!signatureKept.isEmpty()) {
        html += row(tr("Signature kept"), plain(signatureKept));
    }
    if (!e->subjectDigest.isEmpty()) {
        html += row(tr("Referrer of"), plain(e->subjectDigest));
    }
    html += row(tr("Advisory epoch"), e->advisoryEpoch ? QString::number(*e->advisoryEpoch) : tr("<i>none</i>"));
    html += row(tr("Bundle"),
                bundle ? QStringLiteral("%1 (%2)").arg(bundle->bundleId, bundleStateName(bundle->state)).toHtmlEscaped()
                       : tr("<i>not staged</i>"));
    html += row(tr("Blob"), plain(e->localPath));
    html += QStringLiteral("</table>");
    if (!referrers.isEmpty()) {
        html += tr("<h4 style='margin-bottom:2px'>Referrers</h4><table>");
        for (const CacheEntry& r : referrers) {
            html += row(r.artifactMediaType.isEmpty() ? r.mediaType : r.artifactMediaType,
                        plain(r.manifestDigest.isEmpty() ? r.digest.toString() : r.manifestDigest));
        }
        html += QStringLiteral("</table>");
    }
    if (!e->annotations.isEmpty()) {
        html += tr("<h4 style='margin-bottom:2px'>Annotations</h4><table>");
        for (auto it = e->annotations.cbegin(); it != e->annotations.cend(); ++it) {
            html += row(it.key(),
                        plain(it.value().size() > 200 ? it.value().left(200) + QStringLiteral("…") : it.value()));
        }
        html += QStringLiteral("</table>");
    }
    setHtml(html);
}

} // namespace dist::gui
