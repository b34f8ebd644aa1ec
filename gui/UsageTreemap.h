// SPDX-License-Identifier: MIT
#pragma once

#include "EntryStatus.h"

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QHash>
#include <QList>
#include <QWidget>

namespace dist::gui {

// What takes the cache's space: one tile per entry, grouped by repository, area by bytes, colour
// by what retention may do with it (EntryStatus). Over the cap, a line marks where the cap falls
// (UsagePage states the share of the cap in use beside the map). Clicking a tile (or Enter
// on the focused one) asks for that entry; clicking a repository's label asks for all of its.
class UsageTreemap final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageTreemap)

public:
    struct Tile
    {
        Digest digest;
        QString repository;
        QString label; // the reference's last part
        qint64 bytes = 0;
        EntryStatus::Kind kind = EntryStatus::Evictable;
        QRectF rect; // widget coordinates, after layout
    };
    struct Group
    {
        QString repository;
        qint64 bytes = 0;
        QRectF rect;
        QRectF header; // the label strip; empty when the group is too small to carry one
        QList<int> tiles; // indexes into tiles()
    };

    explicit UsageTreemap(QWidget* parent = nullptr);

    void setEntries(const QList<CacheEntry>& entries, const QHash<Digest, BundleRecord>& bundles, qint64 capBytes);
    const QList<Tile>& tiles() const { return m_tiles; }
    const QList<Group>& groups() const { return m_groups; }
    // The map's area, and the x of the cap line (negative when the cache is within its cap).
    QRectF mapRect() const { return m_map; }
    qreal capLineX() const { return m_capX; }
    int focusedTile() const { return m_focus; }
    // The tile or group label under a point, as the digests a click there selects.
    QList<Digest> digestsAt(const QPointF& pos) const;

    // "registry/repository" for OCI references, "files", "https://host" or "packs" otherwise.
    static QString repositoryOf(const CacheEntry& entry);
    static QColor colorFor(EntryStatus::Kind kind);
    static QString formatBytes(qint64 bytes); // "74.6 MiB", as the tables write sizes

    QSize sizeHint() const override { return QSize(640, 320); }
    QSize minimumSizeHint() const override { return QSize(240, 120); }

Q_SIGNALS:
    void entriesActivated(const QList<Digest>& digests);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    void relayout();

    QList<Tile> m_tiles;
    QList<Group> m_groups;
    qint64 m_total = 0;
    qint64 m_cap = 0;
    QRectF m_map;
    qreal m_capX = -1;
    int m_focus = -1;
};

} // namespace dist::gui
