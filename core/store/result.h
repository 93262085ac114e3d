#pragma once

#include "storeerror.h"

#include <utility>
#include <variant>

namespace EventScope {

// A value or the StoreError that explains why there is none (std::expected is C++23).
template <typename T> class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    { }
    Result(StoreError error)
        : m_value(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_value); }
    T& value() & { return std::get<T>(m_value); }
    T&& value() && { return std::get<T>(std::move(m_value)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    const StoreError& error() const { return std::get<StoreError>(m_value); }

private:
    std::variant<T, StoreError> m_value;
};

// For operations that return nothing but can fail.
struct Done
{
};
using Status = Result<Done>;

} // namespace EventScope
