// White-box test of the handle registry (src/api/handles.cpp compiled into this program): a pinned
// handle refuses destruction with BUSY, a closing one refuses new pins, an aborted destroy reopens
// it, and a committed one stays invalid after its slot is reused. Two threads hand the pin over with
// explicit signals, so no outcome depends on timing.
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "api/handles.h"
#include "common/error.h"

using namespace compofa;

namespace {

int failures = 0;

void expect(bool ok, const std::string& what) {
    if (!ok) {
        std::printf("FAIL %s\n", what.c_str());
        failures++;
    }
}

// The status a body throws (COMPOFA_OK when it returns), with its pins released as the barrier does.
template <class Body>
int32_t status_of(Body&& body, std::string* message = nullptr) {
    PinScope pins;
    try {
        body();
        return COMPOFA_OK;
    } catch (const Error& e) {
        if (message != nullptr) *message = e.what();
        return e.status();
    }
}

struct Signal {
    std::mutex m;
    std::condition_variable cv;
    bool set = false;
    void raise() {
        std::lock_guard<std::mutex> lock(m);
        set = true;
        cv.notify_all();
    }
    void wait() {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return set; });
    }
};

uint64_t bits(const void* token) { return reinterpret_cast<uintptr_t>(token); }

void destroy_while_pinned_is_busy() {
    int object = 7;
    void* token = register_handle(&object, HandleKind::buffer);
    Signal pinned, go;
    std::thread user([&] {
        PinScope pins;  // as inside one ABI call
        expect(pin_handle(token, HandleKind::buffer, "buffer") == &object, "pin gives the object");
        pinned.raise();
        go.wait();
    });
    pinned.wait();
    std::string message;
    int32_t st = status_of([&] { Destroying d(token, HandleKind::buffer, "buffer"); }, &message);
    expect(st == COMPOFA_ERR_BUSY, "destroy of a pinned handle gives BUSY, got " + std::to_string(st));
    expect(message.find("in use by 1 running call") != std::string::npos, "BUSY says how many calls: " + message);
    expect(status_of([&] { pin_handle(token, HandleKind::buffer, "buffer"); }) == COMPOFA_OK,
           "a refused destroy leaves the handle usable");
    go.raise();
    user.join();

    {
        Destroying closing(token, HandleKind::buffer, "buffer");
        expect(closing.object() == &object, "destroy gives the object");
        st = status_of([&] { pin_handle(token, HandleKind::buffer, "buffer"); }, &message);
        expect(st == COMPOFA_ERR_INVALID_HANDLE && message.find("being destroyed") != std::string::npos,
               "a call that starts during a destroy gets INVALID_HANDLE: " + message);
        st = status_of([&] { Destroying again(token, HandleKind::buffer, "buffer"); });
        expect(st == COMPOFA_ERR_INVALID_HANDLE, "a second concurrent destroy is refused");
    }  // not committed: reopened, as after a failed destroy
    expect(status_of([&] { pin_handle(token, HandleKind::buffer, "buffer"); }) == COMPOFA_OK,
           "an aborted destroy reopens the handle");

    {
        Destroying d(token, HandleKind::buffer, "buffer");
        d.commit();
    }
    expect(status_of([&] { pin_handle(token, HandleKind::buffer, "buffer"); }) == COMPOFA_ERR_INVALID_HANDLE,
           "a destroyed handle is invalid");
    int other = 8;
    void* reused = register_handle(&other, HandleKind::buffer);
    expect((bits(reused) & 0xffffff) == (bits(token) & 0xffffff), "the registry reuses the freed slot at once");
    expect(reused != token, "a reused slot gets a new token");
    expect(status_of([&] { pin_handle(token, HandleKind::buffer, "buffer"); }) == COMPOFA_ERR_INVALID_HANDLE,
           "the old token stays invalid after its slot is reused");
    void* got = nullptr;
    expect(status_of([&] { got = pin_handle(reused, HandleKind::buffer, "buffer"); }) == COMPOFA_OK && got == &other,
           "the new token gives the new object");
    Destroying d(reused, HandleKind::buffer, "buffer");
    d.commit();
}

void pins_end_with_the_call() {
    int object = 1;
    void* token = register_handle(&object, HandleKind::stream);
    for (int i = 0; i < 100; i++) {  // a leaked pin would make the destroy below BUSY
        status_of([&] {
            pin_handle(token, HandleKind::stream, "stream");
            pin_handle(token, HandleKind::stream, "stream");
            if (i % 2) fail(COMPOFA_ERR_INVALID_ARGUMENT, "a failing call releases its pins too");
        });
    }
    std::string message;
    int32_t st = status_of([&] { pin_handle(token, HandleKind::event, "event"); }, &message);
    expect(st == COMPOFA_ERR_INVALID_HANDLE && message.find("another kind (a stream)") != std::string::npos,
           "a handle of another kind is named: " + message);
    st = status_of([&] { Destroying d(token, HandleKind::stream, "stream"); d.commit(); });
    expect(st == COMPOFA_OK, "no pin outlives its call");
}

void foreign_values_are_refused() {
    int local = 0;
    const void* foreign[] = {&local, reinterpret_cast<void*>(uintptr_t(0x1000)),
                             reinterpret_cast<void*>(~uintptr_t(0)), reinterpret_cast<void*>(uintptr_t(1) << 57)};
    for (const void* f : foreign)
        expect(status_of([&] { pin_handle(f, HandleKind::context, "context"); }) == COMPOFA_ERR_INVALID_HANDLE,
               "a foreign value is refused");
    expect(status_of([&] { pin_handle(nullptr, HandleKind::context, "context"); }) == COMPOFA_ERR_INVALID_HANDLE,
           "NULL is refused");
}

}  // namespace

int main() {
    destroy_while_pinned_is_busy();
    pins_end_with_the_call();
    foreign_values_are_refused();
    if (failures != 0) {
        std::printf("%d failure(s)\n", failures);
        return 1;
    }
    std::printf("handle registry: all checks passed\n");
    return 0;
}
