// open_store: a store from the one line of configuration that names it.
#include <string>

#include "location/memory_store.hpp"
#include "location/redis_store.hpp"
#include "location/sqlite_store.hpp"
#include "location/store.hpp"

namespace parley::location {

Result<std::unique_ptr<Store>, std::string> open_store(std::string_view spec) {
  if (spec == "memory") return std::unique_ptr<Store>(make_memory_store());
  if (spec.starts_with("sqlite:")) {
    auto path = spec.substr(7);
    if (path.empty()) return fail(std::string("sqlite: needs a file: sqlite:PATH"));
    return make_sqlite_store(std::string(path));
  }
  if (spec.starts_with("redis://")) return make_redis_store(spec);
  return fail("unknown store '" + std::string(spec) +
              "': expected memory, sqlite:PATH or redis://HOST:PORT[/DB]");
}

}  // namespace parley::location
