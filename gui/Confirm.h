// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

class QWidget;

namespace dist::gui {

// Modal yes/no questions, with a seam for tests: a queued answer is used instead of showing the
// dialog (the KeePassXC MessageBox::setNextAnswer idea).
class Confirm
{
public:
    static bool ask(QWidget* parent, const QString& title, const QString& text, const QString& details = QString());
    static void setNextAnswer(bool yes) { s_next = yes; }
    static bool hasNextAnswer() { return s_next.has_value(); }
    // What the last question said (for tests to check what the user was shown).
    static const QString& lastText() { return s_lastText; }

private:
    static std::optional<bool> s_next;
    static QString s_lastText;
};

} // namespace dist::gui
