// The catch-all barrier every ABI entry point runs inside: it clears nothing on success, and on a
// failure stores the message in the thread-local last error and returns the status code.
// No C++ exception ever crosses the C ABI (it would kill the JVM). It also releases the handles the
// call's lookups pinned (api/handles.h), however the call ends, so call sites never release pins.
#pragma once
#include <cstdint>
#include <new>
#include <string>

#include "api/handles.h"
#include "common/error.h"

namespace compofa {

void set_last_error(const std::string& message);
const char* last_error();
void clear_last_error();

template <class Body>
int32_t guarded(const char* function, Body&& body) noexcept {
    PinScope pins;  // destroyed after the handlers below: the message is stored while still pinned
    try {
        body();
        return COMPOFA_OK;
    } catch (const Error& e) {
        set_last_error(std::string(function) + ": " + e.what());
        return e.status();
    } catch (const std::bad_alloc&) {
        set_last_error(std::string(function) + ": host allocation failed");
        return COMPOFA_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error(std::string(function) + ": internal error: " + e.what());
        return COMPOFA_ERR_INTERNAL;
    } catch (...) {
        set_last_error(std::string(function) + ": internal error: unknown exception");
        return COMPOFA_ERR_INTERNAL;
    }
}

}  // namespace compofa
