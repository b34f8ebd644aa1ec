// SPDX-License-Identifier: MIT
#include "TokenInput.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace dist::cli::TokenInput {

Result<QString> fromStdin(QIODevice* in)
{
    if (!in) {
        return makeError(ErrorCode::Io, QStringLiteral("failed to read token: no standard input"));
    }
    const QByteArray bytes = in->read(64 * 1024);
    return QString::fromUtf8(bytes).trimmed();
}

Result<QString> prompt(const QString& question)
{
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return makeError(ErrorCode::Io,
                         QStringLiteral("failed to read token: no terminal to prompt on; pass it with "
                                        "--token-stdin"));
    }
    // Echo goes off before the question appears: whoever answers the prompt (a person, or a
    // script that waits for it) never has the token shown, and type-ahead is flushed unseen.
    termios saved{};
    const bool isTerminal = ::tcgetattr(fd, &saved) == 0;
    if (isTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    const QByteArray q = question.toUtf8();
    (void)::write(fd, q.constData(), static_cast<size_t>(q.size()));
    QByteArray line;
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || c == '\n' || line.size() > 64 * 1024) {
            break;
        }
        line.append(c);
    }
    if (isTerminal) {
        ::tcsetattr(fd, TCSAFLUSH, &saved);
    }
    ::close(fd);
    return QString::fromUtf8(line).trimmed();
}

} // namespace dist::cli::TokenInput
