// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace dist {

// What went wrong, in terms a front end can act on. The CLI maps these to exit codes
// (SPEC §11) and the GUI to dialogs; the library never decides how an error is shown.
enum class ErrorCode
{
    InvalidInput, // bad reference, lockfile, flag, illegal transition
    NotFound, // reference or cache entry absent
    Offline, // the network would be needed but offline mode is on
    AuthRequired, // credentials missing, refused or keychain unavailable
    Integrity, // digest mismatch, bad or untrusted signature
    Network, // transport failure after retries
    Io, // local file system failure
    Cache, // malformed cache state (entry.json, records)
    Protocol, // a server answered with something unusable (malformed manifest, unsupported layers)
    Cancelled,
};

// Finer than the code, for a caller that acts on one particular case (asks for a token, names a
// limit); exit codes and dialogs never depend on it. Callers branch on these, never on the text.
enum class ErrorDetail
{
    None,
    NoSavedCredentials, // a tenant needs a login that was never saved
    BodyTooLarge, // a response passed the byte limit the request set
    LockBusy, // another process holds a lock the caller waited for
    InUse, // an entry was used after a removal was planned, so the removal was called off
};

struct Error
{
    ErrorCode code = ErrorCode::Io;
    QString message;
    ErrorDetail detail = ErrorDetail::None;
};

inline Error makeError(ErrorCode code, const QString& message, ErrorDetail detail = ErrorDetail::None)
{
    return Error{code, message, detail};
}

// A value or an Error. No exceptions cross the library API.
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {
    }
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {
    }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_data); }
    const T& value() const& { return std::get<0>(m_data); }
    T&& value() && { return std::get<0>(std::move(m_data)); }
    T valueOr(T fallback) const { return ok() ? std::get<0>(m_data) : std::move(fallback); }
    T* operator->() { return &std::get<0>(m_data); }

    const T* operator->() const { return &std::get<0>(m_data); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<1>(m_data); }
    ErrorCode code() const { return error().code; }
    ErrorDetail detail() const { return error().detail; }
    const QString& message() const { return error().message; }

private:
    std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    {
    }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }
    ErrorCode code() const { return m_error->code; }
    ErrorDetail detail() const { return m_error->detail; }
    const QString& message() const { return m_error->message; }

private:
    std::optional<Error> m_error;
};

using VoidResult = Result<void>;

} // namespace dist
