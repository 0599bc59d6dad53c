// Internal error type: kernels and backends throw compofa::Error; the ABI barrier (src/api)
// turns it into a status code plus the thread-local last-error message. Nothing else crosses.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "compofa.h"

namespace compofa {

class Error : public std::runtime_error {
public:
    Error(int32_t status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int32_t status() const { return status_; }

private:
    int32_t status_;
};

[[noreturn]] inline void fail(int32_t status, const std::string& message) { throw Error(status, message); }

}  // namespace compofa
