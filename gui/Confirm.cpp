// SPDX-License-Identifier: MIT
#include "Confirm.h"

#include <QMessageBox>

namespace dist::gui {

std::optional<bool> Confirm::s_next;
QString Confirm::s_lastText;

bool Confirm::ask(QWidget* parent, const QString& title, const QString& text, const QString& details)
{
    s_lastText = details.isEmpty() ? text : text + u'\n' + details;
    if (s_next) {
        const bool answer = *s_next;
        s_next.reset();
        return answer;
    }
    QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Yes | QMessageBox::Cancel, parent);
    if (!details.isEmpty()) {
        box.setInformativeText(details);
    }
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

} // namespace dist::gui
