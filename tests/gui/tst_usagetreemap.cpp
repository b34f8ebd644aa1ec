// SPDX-License-Identifier: MIT
// The usage map's geometry and colours, from its data: the squarified layout (areas in proportion,
// no overlap, inside the bounds), the grouping by repository, the cap, hits for clicks, and the
// palette it paints with in light and dark.
#include "TreemapLayout.h"
#include "UsageTreemap.h"

#include <core/Sha256.h>

#include <QApplication>
#include <QImage>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace dist;
using namespace dist::gui;

namespace {

CacheEntry entry(const QString& ref, qint64 size, ArtifactType type = ArtifactType::Component)
{
    CacheEntry e;
    e.digest = Sha256::hash(ref.toUtf8());
    e.rawRef = ref;
    e.sizeBytes = size;
    e.artifactType = type;
    return e;
}

qreal area(const QRectF& r)
{
    return r.isEmpty() ? 0 : r.width() * r.height();
}

// Every property a treemap must have, whatever the weights.
void checkTiling(const QList<qreal>& weights, const QRectF& bounds, qreal maxAspect)
{
    const QList<QRectF> rects = TreemapLayout::squarify(weights, bounds);
    QCOMPARE(rects.size(), weights.size());
    qreal total = 0;
    for (qreal w : weights) {
        total += std::max<qreal>(w, 0);
    }
    const qreal scale = area(bounds) / total;
    qreal covered = 0;
    for (qsizetype i = 0; i < rects.size(); ++i) {
        const QRectF& r = rects.at(i);
        if (weights.at(i) <= 0) {
            QVERIFY(r.isEmpty());
            continue;
        }
        QVERIFY2(
            qAbs(area(r) - weights.at(i) * scale) <= 1e-6 * area(bounds),
            qPrintable(QStringLiteral("item %1: area %2, wanted %3").arg(i).arg(area(r)).arg(weights.at(i) * scale)));
        QVERIFY(bounds.adjusted(-1e-6, -1e-6, 1e-6, 1e-6).contains(r));
        const qreal aspect = std::max(r.width() / r.height(), r.height() / r.width());
        QVERIFY2(aspect <= maxAspect, qPrintable(QStringLiteral("item %1 has aspect %2").arg(i).arg(aspect)));
        covered += area(r);
        for (qsizetype j = i + 1; j < rects.size(); ++j) {
            QVERIFY2(area(r.intersected(rects.at(j))) <= 1e-6 * area(bounds),
                     qPrintable(QStringLiteral("items %1 and %2 overlap").arg(i).arg(j)));
        }
    }
    QVERIFY(qAbs(covered - area(bounds)) <= 1e-6 * area(bounds)); // tiled: no gap either
}

} // namespace

class TestUsageTreemap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void squarifiedLayoutTilesInProportion()
    {
        // The paper's example, then weights spread over four orders of magnitude.
        checkTiling({6, 6, 4, 3, 2, 2, 1}, QRectF(0, 0, 600, 400), 3);
        QRandomGenerator rng(17);
        QList<qreal> many;
        for (int i = 0; i < 300; ++i) {
            many.append(std::pow(10.0, rng.bounded(4.0)));
        }
        checkTiling(many, QRectF(10, 20, 900, 300), 40);
        checkTiling({5}, QRectF(0, 0, 50, 10), 5);
        const QList<QRectF> none = TreemapLayout::squarify({0, -1}, QRectF(0, 0, 10, 10));
        QVERIFY(none.at(0).isEmpty() && none.at(1).isEmpty());
        QVERIFY(TreemapLayout::squarify({}, QRectF(0, 0, 10, 10)).isEmpty());
    }

    void repositoriesAreNamedAsAnOperatorKnowsThem()
    {
        QCOMPARE(UsageTreemap::repositoryOf(
                     entry(QStringLiteral("oci://127.0.0.1:45811/greenticai/components/echo:1.2"), 1)),
                 QStringLiteral("127.0.0.1:45811/greenticai/components/echo"));
        QCOMPARE(UsageTreemap::repositoryOf(entry(QStringLiteral("oci://ghcr.io/org/comp@sha256:00"), 1)),
                 QStringLiteral("ghcr.io/org/comp"));
        QCOMPARE(UsageTreemap::repositoryOf(entry(QStringLiteral("oci://localhost:5000/plain"), 1)),
                 QStringLiteral("localhost:5000/plain"));
        QCOMPARE(UsageTreemap::repositoryOf(entry(QStringLiteral("https://example.com/a/b.wasm"), 1)),
                 QStringLiteral("https://example.com"));
        QCOMPARE(UsageTreemap::repositoryOf(entry(QStringLiteral("/tmp/x.wasm"), 1)), QStringLiteral("files"));
        QCOMPARE(UsageTreemap::repositoryOf(entry(QStringLiteral("soc2@1.0.0"), 1, ArtifactType::Pack)),
                 QStringLiteral("packs"));
    }

    void tilesGroupByRepositoryColourByStatusAndDrawTheCap()
    {
        UsageTreemap map;
        map.resize(800, 300);
        const CacheEntry a = entry(QStringLiteral("oci://r.example/team/a:1"), 3000);
        const CacheEntry a2 = entry(QStringLiteral("oci://r.example/team/a:2"), 1000);
        const CacheEntry b = entry(QStringLiteral("oci://r.example/team/b:1"), 2000);
        CacheEntry broken = entry(QStringLiteral("/srv/broken.wasm"), 2000);
        broken.state = EntryState::Corrupt;
        QHash<Digest, BundleRecord> bundles;
        bundles.insert(a.digest,
                       BundleRecord{BundleId::forDigest(a.digest), a.digest, QStringLiteral("x"),
                                    QStringLiteral("File"), 1, BundleState::Ready});
        bundles.insert(b.digest,
                       BundleRecord{BundleId::forDigest(b.digest), b.digest, QStringLiteral("x"),
                                    QStringLiteral("File"), 1, BundleState::Inactive});
        map.setEntries({a, a2, b, broken}, bundles, 16000); // half the cap used
        QCOMPARE(map.tiles().size(), 4);
        QCOMPARE(map.groups().size(), 3);
        const auto tileOf = [&](const CacheEntry& e) {
            for (const UsageTreemap::Tile& t : map.tiles()) {
                if (t.digest == e.digest) {
                    return t;
                }
            }
            return UsageTreemap::Tile{};
        };
        QCOMPARE(tileOf(a).kind, EntryStatus::Protected);
        QCOMPARE(tileOf(a2).kind, EntryStatus::Evictable);
        QCOMPARE(tileOf(b).kind, EntryStatus::InBundle);
        QCOMPARE(tileOf(broken).kind, EntryStatus::Corrupt);
        QCOMPARE(tileOf(a).repository, QStringLiteral("r.example/team/a"));
        QVERIFY(UsageTreemap::colorFor(EntryStatus::Protected) != UsageTreemap::colorFor(EntryStatus::Evictable));
        // Within the cap, the map fills the widget and no cap line is drawn; areas follow the bytes.
        const QRectF full = QRectF(map.rect()).adjusted(1, 1, -1, -1);
        QCOMPARE(map.mapRect(), full);
        QCOMPARE(map.capLineX(), qreal(-1));
        const qreal ratio = area(tileOf(a).rect) / area(tileOf(a2).rect);
        QVERIFY2(ratio > 2.5 && ratio < 3.5, qPrintable(QString::number(ratio))); // 3000 : 1000, less the header
        // A click on a tile is that entry; a click on a repository's label is all of it.
        QSignalSpy activated(&map, &UsageTreemap::entriesActivated);
        QTest::mouseClick(&map, Qt::LeftButton, {}, tileOf(b).rect.center().toPoint());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().value<QList<Digest>>(), QList<Digest>{b.digest});
        for (const UsageTreemap::Group& g : map.groups()) {
            if (g.repository == u"r.example/team/a" && !g.header.isEmpty()) {
                QCOMPARE(map.digestsAt(g.header.center()).size(), 2);
            }
        }
        // The keyboard walks the tiles and Enter activates the focused one.
        map.setFocus();
        QTest::keyClick(&map, Qt::Key_Right);
        QVERIFY(map.focusedTile() >= 0);
        QTest::keyClick(&map, Qt::Key_Return);
        QCOMPARE(activated.count(), 2);
        QCOMPARE(activated.last().first().value<QList<Digest>>(),
                 QList<Digest>{map.tiles().at(map.focusedTile()).digest});
        // Over the cap, the map fills the width and a line marks where the cap falls.
        map.setEntries({a, a2, b, broken}, bundles, 4000);
        QCOMPARE(map.mapRect(), full);
        QVERIFY(qAbs(map.capLineX() - (full.left() + full.width() / 2)) < 1);
    }

    void paintsWithTheSystemPaletteLightAndDark()
    {
        for (const bool dark : {false, true}) {
            QPalette pal = QApplication::palette();
            pal.setColor(QPalette::Base, dark ? QColor(0x1e, 0x1e, 0x1e) : QColor(0xff, 0xff, 0xff));
            pal.setColor(QPalette::Text, dark ? QColor(0xee, 0xee, 0xee) : QColor(0x11, 0x11, 0x11));
            QApplication::setPalette(pal);
            UsageTreemap map;
            map.resize(400, 200);
            map.setEntries({entry(QStringLiteral("/a.wasm"), 100), entry(QStringLiteral("/b.wasm"), 50)}, {}, 1000);
            const QImage shot = map.grab().toImage();
            // Between the tiles and in the label strip, the palette's base colour; a tile, its status colour.
            QCOMPARE(shot.pixelColor(0, 0), pal.color(QPalette::Base));
            const QRectF tile = map.tiles().first().rect;
            QCOMPARE(shot.pixelColor(int(tile.right()) - 4, int(tile.bottom()) - 4),
                     UsageTreemap::colorFor(EntryStatus::Evictable));
            const QRectF header = map.groups().first().header;
            QVERIFY(!header.isEmpty());
            QCOMPARE(shot.pixelColor(int(header.right()) - 2, int(header.center().y())), pal.color(QPalette::Base));
        }
    }
};

QTEST_MAIN(TestUsageTreemap)
#include "tst_usagetreemap.moc"
