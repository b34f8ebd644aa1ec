// SPDX-License-Identifier: MIT
#include "ReadableColor.h"

#include <QGuiApplication>
#include <QPalette>

#include <cmath>

namespace dist::gui {

namespace {

double luminance(const QColor& c)
{
    const auto channel = [](double v) { return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

} // namespace

double ReadableColor::contrast(const QColor& a, const QColor& b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor ReadableColor::on(const QColor& wanted, const QColor& background, double ratio)
{
    if (contrast(wanted, background) >= ratio) {
        return wanted;
    }
    // Towards white on a dark background, towards black on a light one; both ends always pass.
    const bool darkBackground = luminance(background) < 0.18;
    const QColor hsl = wanted.toHsl();
    float hue = 0;
    float saturation = 0;
    float lightness = 0;
    float alpha = 1;
    hsl.getHslF(&hue, &saturation, &lightness, &alpha);
    for (int step = 1; step <= 50; ++step) {
        const float l = darkBackground ? std::min(1.0f, lightness + 0.02f * static_cast<float>(step))
                                       : std::max(0.0f, lightness - 0.02f * static_cast<float>(step));
        const QColor candidate = QColor::fromHslF(hue, saturation, l, alpha);
        if (contrast(candidate, background) >= ratio) {
            return candidate.toRgb();
        }
    }
    return darkBackground ? QColor(Qt::white) : QColor(Qt::black);
}

QColor ReadableColor::onBase(const QColor& wanted)
{
    return on(wanted, QGuiApplication::palette().color(QPalette::Base));
}

} // namespace dist::gui
