#include "api/barrier.h"

namespace compofa {

namespace {
thread_local std::string t_last_error;
}

void set_last_error(const std::string& message) { t_last_error = message; }
const char* last_error() { return t_last_error.c_str(); }
void clear_last_error() { t_last_error.clear(); }

}  // namespace compofa
