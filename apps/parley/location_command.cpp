// parley location list [AOR]: every unexpired binding in the server's store (the same --store as
// `parley serve`, usable while it runs) — contact, seconds left, q, Path and the address the
// REGISTER came from — as a table, or with --json as an array of objects.
// Exit 0 on success (also when there is no binding), 1 when the store fails, 2 on bad usage.
#include <fmt/core.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "location/store.hpp"
#include "store_call.hpp"

namespace parley::app {

namespace {

struct LocationOptions {
  std::string store = kDefaultStore;
  std::string aor;
  bool json = false;
};

// "alice@example.com" -> "sip:alice@example.com", the canonical AOR the registrar stores.
std::string canonical_aor(std::string aor) {
  if (aor.empty() || aor.starts_with("sip:") || aor.starts_with("sips:")) return aor;
  return "sip:" + aor;
}

std::string q_text(const std::optional<std::uint16_t>& q) {
  if (!q) return "-";
  if (*q >= 1000) return "1";
  auto s = fmt::format("0.{:03}", *q);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::int64_t seconds_left(const location::Binding& b, location::TimePoint now) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(b.expires - now).count();
  return std::max<std::int64_t>(0, (left + 999) / 1000);
}

void print_table(const std::vector<location::Binding>& bindings, location::TimePoint now) {
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"AOR", "CONTACT", "EXPIRES", "Q", "PATH", "SOURCE"});
  for (const auto& b : bindings)
    rows.push_back({b.aor, b.contact + b.params, std::to_string(seconds_left(b, now)), q_text(b.q),
                    b.path.empty() ? "-" : join(b.path, ","), b.source.empty() ? "-" : b.source});
  std::array<std::size_t, 6> width{};
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

int list(const LocationOptions& o) {
  if (!known_store_kind(o.store)) {
    std::cerr << "parley: --store " << o.store
              << ": expected memory, sqlite:PATH or redis://HOST:PORT[/DB]\n";
    return 2;
  }
  auto store = location::open_store(o.store);
  if (!store) {
    std::cerr << "parley: cannot open the store: " << store.error() << "\n";
    return 1;
  }
  auto aor = canonical_aor(o.aor);
  auto r = store_call<std::vector<location::Binding>>([&](auto cb) { (*store)->list(aor, cb); });
  (*store)->close();
  if (!r) {
    std::cerr << "parley location list: " << r.error().reason << "\n";
    return 1;
  }
  auto bindings = std::move(*r);
  std::stable_sort(bindings.begin(), bindings.end(),
                   [](const auto& a, const auto& b) { return a.aor < b.aor; });
  auto now = location::Clock::now();
  if (o.json) {
    auto j = nlohmann::json::array();
    for (const auto& b : bindings) {
      nlohmann::json q = nullptr;
      if (b.q) q = *b.q / 1000.0;
      j.push_back({{"aor", b.aor},
                   {"contact", b.contact},
                   {"params", b.params},
                   {"expires_in", seconds_left(b, now)},
                   {"expires_at_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                         b.expires.time_since_epoch())
                                         .count()},
                   {"q", q},
                   {"path", b.path},
                   {"source", b.source},
                   {"call_id", b.call_id},
                   {"cseq", b.cseq},
                   {"user_agent", b.user_agent}});
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (bindings.empty()) {
    std::cout << (aor.empty() ? std::string("no bindings") : "no bindings for " + aor) << "\n";
    return 0;
  }
  print_table(bindings, now);
  return 0;
}

}  // namespace

Command add_location_command(CLI::App& app) {
  auto o = std::make_shared<LocationOptions>();
  auto* location = app.add_subcommand("location", "look into the location service");
  location->require_subcommand(1);
  location
      ->add_option("--store", o->store,
                   "the server's store: memory | sqlite:PATH | redis://HOST:PORT[/DB]")
      ->capture_default_str();
  auto* list_cmd = location->add_subcommand("list", "list the bindings, of every AOR or of one");
  list_cmd->fallthrough();
  list_cmd->add_option("aor", o->aor, "an address of record (sip:alice@example.com)");
  list_cmd->add_flag("--json", o->json, "print JSON");
  return {location, [o]() { return list(*o); }};
}

}  // namespace parley::app
