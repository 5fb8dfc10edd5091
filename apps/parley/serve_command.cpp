// parley serve: the server. With no arguments it listens on UDP and TCP port 5060 of every
// address (TLS on 5061 and WSS on 8443 when a certificate is configured), keeps bindings in the
// embedded default store (sqlite:parley.db), authenticates every REGISTER, serves the machine's
// own addresses and host name as domains, and prints what it does and how to add a user.
//
//   parley serve --listen udp:127.0.0.1:5070 --domain example.com --store memory --auth off
//   parley serve --config parley.toml          (flags override the file)
//   parley serve --check-config parley.toml    (exit 1 naming the bad line)
//
// The threads (docs/architecture.md): N event loops, one TransactionLayer, one ServerCore and one
// Registrar per loop, a Dispatcher in front; the store and the digest server are shared.
// SIGTERM or SIGINT: new requests get 503 while those waiting for the store finish (at most
// shutdown_grace), then the sockets close, the store is flushed and closed, exit 0.
#include <fmt/core.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/server.hpp"
#include "commands.hpp"
#include "common/asio_timer_service.hpp"
#include "location/store.hpp"
#include "message/auth_header.hpp"
#include "message/scanner.hpp"
#include "registrar/registrar.hpp"
#include "registrar/server_core.hpp"
#include "transaction/dispatcher.hpp"
#include "transaction/layer.hpp"
#include "transport/event_loops.hpp"
#include "transport/listen_spec.hpp"
#include "transport/transport_layer.hpp"
#include "user_file.hpp"

namespace parley::app {

namespace {

constexpr const char* kDefaultStoreSpec = "sqlite:parley.db";

// Everything `parley serve` can be told, by the config file or by flags. Each field names its
// config key.
struct ServeSettings {
  std::vector<std::string> listen;        // listen = ["udp:0.0.0.0:5060", ...]
  std::vector<std::string> domains;       // domain = ["example.com"]
  std::string store = kDefaultStoreSpec;  // store = "sqlite:parley.db"
  bool auth = true;                       // auth = true | "on" | "off"
  std::string users;                      // users = "users.txt": put into the store at start
  std::size_t threads = 0;                // threads = 2 (0: one per core)
  // Live transactions of the whole server (one count for every shard); beyond it new requests get
  // 503. Over UDP a non-INVITE server transaction lives 32 s after its answer (Timer J, §17.2.2),
  // so the server holds about rate x 32 of them: 1,000,000 covers 30,000 requests a second.
  std::size_t max_transactions = 1000000;  // max_transactions = 1000000
  std::string log_level = "info";          // log_level = "debug" | "info" | "warn" | ...
  std::chrono::seconds shutdown_grace{5};  // shutdown_grace = 5
  registrar::RegistrarConfig registrar;    // [registrar] default_expires, min_expires, ...
  auth::DigestServerConfig digest;         // [digest] algorithms, nonce_lifetime, ...
  transport::TlsSettings tls;              // [tls] certificate, private_key, ca_file
};

struct Flags {
  std::vector<std::string> listen;
  std::vector<std::string> domains;
  std::string store;
  std::string auth;
  std::string users;
  std::size_t threads = 0;
  std::size_t max_transactions = 0;
  std::string config;
  std::string check_config;
  std::string log_level;
};

// ---- the config file

struct ConfigError {
  std::string message;  // "FILE:LINE: what"
};

std::string where(const std::string& file, const toml::node& n) {
  return fmt::format("{}:{}", file, n.source().begin.line);
}

// Reads `file` over `s`. The first problem is named with its line.
std::optional<ConfigError> load_config(const std::string& file, ServeSettings& s) {
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    if (e.source().begin.line == 0)
      return ConfigError{fmt::format("{}: {}", file, e.description())};
    return ConfigError{fmt::format("{}:{}: {}", file, e.source().begin.line, e.description())};
  }
  auto error = [&](const toml::node& n, std::string what) {
    return ConfigError{where(file, n) + ": " + std::move(what)};
  };
  auto strings = [&](const toml::node& n, std::string_view key,
                     std::vector<std::string>& out) -> std::optional<ConfigError> {
    out.clear();
    if (auto v = n.value<std::string>()) {
      out.push_back(*v);
      return std::nullopt;
    }
    const toml::array* a = n.as_array();
    if (!a) return error(n, fmt::format("{} must be a string or an array of strings", key));
    for (const auto& e : *a) {
      auto v = e.value<std::string>();
      if (!v) return error(e, fmt::format("{}: every element must be a string", key));
      out.push_back(*v);
    }
    return std::nullopt;
  };
  auto seconds = [&](const toml::node& n, std::string_view key, std::uint32_t& out,
                     std::int64_t min = 0) -> std::optional<ConfigError> {
    auto v = n.value<std::int64_t>();
    if (!v || *v < min || *v > 0xffffffffLL)
      return error(n, fmt::format("{} must be an integer from {}", key, min));
    out = static_cast<std::uint32_t>(*v);
    return std::nullopt;
  };

  for (auto&& [key, node] : root) {
    std::string_view k = key.str();
    if (k == "listen") {
      if (auto e = strings(node, k, s.listen)) return e;
      for (std::size_t i = 0; i < s.listen.size(); ++i) {
        auto spec = transport::parse_listen_spec(s.listen[i]);
        if (!spec) return error(node, "listen: " + spec.error());
      }
    } else if (k == "domain" || k == "domains") {
      if (auto e = strings(node, k, s.domains)) return e;
    } else if (k == "store") {
      auto v = node.value<std::string>();
      if (!v)
        return error(node, "store must be a string: memory, sqlite:PATH or redis://HOST:PORT");
      if (*v != "memory" && !v->starts_with("sqlite:") && !v->starts_with("redis://"))
        return error(node, "store '" + *v + "': expected memory, sqlite:PATH or redis://HOST:PORT");
      s.store = *v;
    } else if (k == "users") {
      auto v = node.value<std::string>();
      if (!v || v->empty()) return error(node, "users must be the path of a users file");
      s.users = *v;
    } else if (k == "auth") {
      if (auto b = node.value<bool>()) {
        s.auth = *b;
      } else if (auto v = node.value<std::string>(); v && (*v == "on" || *v == "off")) {
        s.auth = *v == "on";
      } else {
        return error(node, "auth must be true, false, \"on\" or \"off\"");
      }
    } else if (k == "threads") {
      auto v = node.value<std::int64_t>();
      if (!v || *v < 0 || *v > 1024) return error(node, "threads must be an integer 0..1024");
      s.threads = static_cast<std::size_t>(*v);
    } else if (k == "max_transactions") {
      auto v = node.value<std::int64_t>();
      if (!v || *v < 1 || *v > 100000000)
        return error(node, "max_transactions must be an integer 1..100000000");
      s.max_transactions = static_cast<std::size_t>(*v);
    } else if (k == "log_level") {
      auto v = node.value<std::string>();
      if (!v || (spdlog::level::from_str(*v) == spdlog::level::off && *v != "off"))
        return error(node, "log_level must be trace, debug, info, warn, error or off");
      s.log_level = *v;
    } else if (k == "shutdown_grace") {
      std::uint32_t v = 0;
      if (auto e = seconds(node, k, v)) return e;
      s.shutdown_grace = std::chrono::seconds(v);
    } else if (k == "registrar") {
      const toml::table* t = node.as_table();
      if (!t) return error(node, "registrar must be a table");
      for (auto&& [rk, rn] : *t) {
        std::string_view r = rk.str();
        std::uint32_t v = 0;
        if (r == "default_expires") {
          if (auto e = seconds(rn, r, v, 1)) return e;
          s.registrar.default_expires = v;
        } else if (r == "min_expires") {
          if (auto e = seconds(rn, r, v)) return e;
          s.registrar.min_expires = v;
        } else if (r == "max_expires") {
          if (auto e = seconds(rn, r, v, 1)) return e;
          s.registrar.max_expires = v;
        } else if (r == "max_contacts") {
          if (auto e = seconds(rn, r, v, 1)) return e;
          s.registrar.max_contacts = v;
        } else if (r == "retry_after") {
          if (auto e = seconds(rn, r, v)) return e;
          s.registrar.retry_after = std::chrono::seconds(v);
        } else {
          return error(rn, fmt::format("unknown key registrar.{}", r));
        }
      }
    } else if (k == "digest") {
      const toml::table* t = node.as_table();
      if (!t) return error(node, "digest must be a table");
      for (auto&& [dk, dn] : *t) {
        std::string_view d = dk.str();
        std::uint32_t v = 0;
        if (d == "algorithms") {
          // RFC 8760 §2.4: one challenge per algorithm, in this order (preferred first). A
          // population of MD5-only clients that take the first challenge needs ["MD5"].
          std::vector<std::string> names;
          if (auto e = strings(dn, "digest.algorithms", names)) return e;
          s.digest.algorithms.clear();
          for (const auto& name : names) {
            auto a = message::digest_algorithm(name);
            if (a != message::DigestAlgorithm::Md5 && a != message::DigestAlgorithm::Sha256 &&
                a != message::DigestAlgorithm::Sha512_256)
              return error(dn,
                           "digest.algorithms: " + name + " is not MD5, SHA-256 or SHA-512-256");
            s.digest.algorithms.push_back(a);
          }
          if (s.digest.algorithms.empty()) return error(dn, "digest.algorithms is empty");
        } else if (d == "nonce_lifetime") {
          if (auto e = seconds(dn, d, v, 1)) return e;
          s.digest.nonce_lifetime = std::chrono::seconds(v);
        } else if (d == "bind_nonce_to_source") {
          auto b = dn.value<bool>();
          if (!b) return error(dn, "digest.bind_nonce_to_source must be true or false");
          s.digest.bind_to_source = *b;
        } else if (d == "free_failures") {
          if (auto e = seconds(dn, d, v)) return e;
          s.digest.free_failures = static_cast<int>(std::min<std::uint32_t>(v, 1000000));
        } else if (d == "failure_delay_ms") {
          if (auto e = seconds(dn, d, v)) return e;
          s.digest.failure_delay = std::chrono::milliseconds(v);
        } else if (d == "max_failure_delay_ms") {
          if (auto e = seconds(dn, d, v)) return e;
          s.digest.max_failure_delay = std::chrono::milliseconds(v);
        } else {
          return error(dn, fmt::format("unknown key digest.{}", d));
        }
      }
    } else if (k == "tls") {
      const toml::table* t = node.as_table();
      if (!t) return error(node, "tls must be a table");
      for (auto&& [tk, tn] : *t) {
        std::string_view name = tk.str();
        auto v = tn.value<std::string>();
        if (!v) return error(tn, fmt::format("tls.{} must be a string", name));
        if (name == "certificate")
          s.tls.certificate_file = *v;
        else if (name == "private_key")
          s.tls.private_key_file = *v;
        else if (name == "ca_file")
          s.tls.ca_file = *v;
        else
          return error(tn, fmt::format("unknown key tls.{}", name));
      }
    } else {
      return error(node, fmt::format("unknown key '{}'", k));
    }
  }
  if (s.registrar.min_expires > s.registrar.max_expires)
    return ConfigError{file + ": registrar.min_expires is above registrar.max_expires"};
  return std::nullopt;
}

// ---- defaults that depend on the machine

std::vector<std::string> default_listen(const ServeSettings& s) {
  std::vector<std::string> out = {"udp:0.0.0.0:5060", "tcp:0.0.0.0:5060"};
  if (!s.tls.certificate_file.empty()) {
    out.push_back("tls:0.0.0.0:5061");
    out.push_back("wss:0.0.0.0:8443");
  }
  return out;
}

// The machine's own addresses (those listened on, or every interface's for a wildcard) and its
// host name: the domains served when none are configured.
std::vector<std::string> default_domains(const std::vector<transport::ListenSpec>& listening) {
  std::set<std::string> out;
  bool wildcard = false;
  for (const auto& l : listening) {
    if (l.endpoint.address.is_unspecified())
      wildcard = true;
    else
      out.insert(l.endpoint.address.to_string());
  }
  if (wildcard) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) == 0) {
      for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        if (i->ifa_addr->sa_family == AF_INET) {
          auto* a = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
          boost::asio::ip::address_v4::bytes_type b;
          std::memcpy(b.data(), &a->sin_addr, 4);
          out.insert(boost::asio::ip::address_v4(b).to_string());
        } else if (i->ifa_addr->sa_family == AF_INET6) {
          auto* a = reinterpret_cast<sockaddr_in6*>(i->ifa_addr);
          if (IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr)) continue;
          boost::asio::ip::address_v6::bytes_type b;
          std::memcpy(b.data(), &a->sin6_addr, 16);
          out.insert(boost::asio::ip::address_v6(b).to_string());
        }
      }
      freeifaddrs(list);
    }
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0 && host[0]) out.insert(message::to_lower(host));
  return {out.begin(), out.end()};
}

// ---- running

int serve(const ServeSettings& s) {
  auto logger = spdlog::stderr_color_mt("parley");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(s.log_level));

  transport::Settings ts;
  for (const auto& text : s.listen.empty() ? default_listen(s) : s.listen) {
    auto spec = transport::parse_listen_spec(text);
    if (!spec) {
      std::cerr << "parley serve: --listen " << text << ": " << spec.error() << "\n";
      return 2;
    }
    ts.listen.push_back(*spec);
  }
  ts.tls = s.tls;

  auto opened = location::open_store(s.store);
  if (!opened) {
    std::cerr << "parley serve: store " << s.store << ": " << opened.error() << "\n";
    return 1;
  }
  std::unique_ptr<location::Store> store = std::move(*opened);
  std::size_t users_loaded = 0;
  if (!s.users.empty()) {
    std::ifstream file(s.users);
    if (!file) {
      std::cerr << "parley serve: cannot read the users file " << s.users << "\n";
      return 1;
    }
    auto users = read_users(file, s.users);
    if (!users) {
      std::cerr << "parley serve: " << users.error() << "\n";
      return 1;
    }
    auto put = put_users(*store, *users);
    if (!put) {
      std::cerr << "parley serve: users of " << s.users << ": " << put.error().reason << "\n";
      store->close();
      return 1;
    }
    users_loaded = *put;
  }

  // The signals are waited for by this thread alone: blocked before the loops' threads start, so
  // that they inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  registrar::RegistrarConfig rc = s.registrar;
  rc.authenticate = s.auth;
  auth::DigestServer digest(s.digest);
  std::atomic<bool> draining{false};

  transport::EventLoops loops(s.threads);
  const std::size_t n = loops.size();
  auto contexts = loops.contexts();
  transaction::Dispatcher dispatcher({}, s.max_transactions);
  transaction::LiveCount live_transactions;
  transport::TransportLayer transport(contexts, ts, dispatcher);
  std::vector<std::unique_ptr<AsioTimerService>> timers;
  std::vector<std::unique_ptr<transaction::ShardSender>> senders;
  std::vector<std::unique_ptr<registrar::Registrar>> registrars;
  std::vector<std::unique_ptr<registrar::ServerCore>> cores;
  std::vector<std::unique_ptr<transaction::TransactionLayer>> layers;

  // What the shards own is made and destroyed on their own threads' terms: the loops are stopped
  // before any of it goes.
  auto shutdown = [&] {
    transport.stop();
    loops.stop();
    store->close();
    layers.clear();
    cores.clear();
    registrars.clear();
    senders.clear();
    timers.clear();
  };

  std::vector<std::string> domains = s.domains;
  if (domains.empty()) domains = default_domains(ts.listen);
  rc.domains = domains;

  for (std::size_t i = 0; i < n; ++i) {
    auto executor = contexts[i]->get_executor();
    timers.push_back(std::make_unique<AsioTimerService>(executor));
    senders.push_back(std::make_unique<transaction::ShardSender>(transport, executor));
    registrars.push_back(std::make_unique<registrar::Registrar>(
        rc, *store, s.auth ? &digest : nullptr, *timers[i],
        // dispatch: a store that answered on this shard's thread (memory) is not queued again.
        [executor](std::function<void()> f) { boost::asio::dispatch(executor, std::move(f)); }));
    cores.push_back(std::make_unique<registrar::ServerCore>(*registrars[i], draining));
    transaction::LayerConfig lc;
    lc.shard = i;
    lc.shards = n;
    if (n > 1) lc.directory = &dispatcher.directory();
    lc.max_transactions = s.max_transactions;
    lc.live = &live_transactions;
    layers.push_back(
        std::make_unique<transaction::TransactionLayer>(*timers[i], *senders[i], *cores[i], lc));
    dispatcher.add({executor, layers[i].get()});
  }

  // Every shard is in place before the first message can arrive.
  try {
    transport.start();
  } catch (const std::exception& e) {
    std::cerr << "parley serve: " << e.what() << "\n";
    shutdown();
    return 1;
  }

  // The summary: what a person starting it needs to know.
  std::string example_domain = domains.empty() ? "example.com" : domains.front();
  for (const auto& d : domains)
    if (!d.empty() && !std::isdigit(static_cast<unsigned char>(d[0])) &&
        d.find(':') == std::string::npos) {
      example_domain = d;
      break;
    }
  fmt::print("parley serve {} — {} thread{}\n", PARLEY_VERSION, n, n == 1 ? "" : "s");
  for (const auto& l : transport.listening()) fmt::print("  listening on {}\n", l.to_string());
  fmt::print("  domains: {}\n", fmt::join(domains, ", "));
  fmt::print("  store: {}\n", s.store);
  if (s.auth) {
    std::vector<std::string_view> names;
    for (auto a : s.digest.algorithms) names.push_back(message::digest_algorithm_name(a));
    fmt::print("  authentication: on (digest {})\n", fmt::join(names, ", "));
    if (!s.users.empty()) fmt::print("  users: {} from {}\n", users_loaded, s.users);
    if (s.store == "memory" && s.users.empty())
      fmt::print(
          "  note: the memory store has no users another process can add: give them with\n"
          "        --users FILE, or use a sqlite or redis store, or --auth off\n");
    else
      fmt::print("  add a user: parley user add alice@{} --password SECRET --store {}\n",
                 example_domain, s.store);
  } else {
    fmt::print("  WARNING: authentication is off: anyone can register any address\n");
    spdlog::warn("authentication is off: this is an open registrar");
  }
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");

  // Stop taking work; let what waits for the store finish, within the grace period.
  draining = true;
  auto until = std::chrono::steady_clock::now() + s.shutdown_grace;
  auto busy = [&] {
    std::size_t pending = 0;
    for (const auto& r : registrars) pending += r->in_flight();
    return pending;
  };
  while (busy() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (std::size_t left = busy()) spdlog::warn("{} requests still in flight at shutdown", left);
  shutdown();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, std::vector<Command>& commands) {
  auto flags = std::make_shared<Flags>();
  auto* cmd =
      app.add_subcommand("serve", "run the SIP server (registrar with digest authentication)");
  cmd->add_option("--listen", flags->listen,
                  "udp|tcp|tls|ws|wss:HOST:PORT to listen on (repeatable; default udp and tcp "
                  "on 0.0.0.0:5060)");
  cmd->add_option("--domain", flags->domains,
                  "a domain to keep bindings for (repeatable; default: this machine's addresses "
                  "and host name)");
  cmd->add_option("--store", flags->store,
                  "memory | sqlite:PATH | redis://HOST:PORT (default sqlite:parley.db)");
  cmd->add_option("--auth", flags->auth, "on | off: digest authentication of REGISTER (default on)")
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--users", flags->users,
                  "a file of 'address password' lines: users put into the store at start (the "
                  "way to give users to the memory store)");
  cmd->add_option("--threads", flags->threads, "event-loop threads (default: one per core)");
  cmd->add_option("--max-transactions", flags->max_transactions,
                  "live transactions at most, beyond which new requests get 503 (default "
                  "1000000; over UDP the server holds about 32 x its request rate)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  cmd->add_option("--config", flags->config, "a TOML file; flags override it");
  cmd->add_option("--check-config", flags->check_config,
                  "validate a TOML config file and exit (1 naming the bad line)");
  cmd->add_option("-v,--log-level", flags->log_level,
                  "trace | debug | info | warn | error | off (default info)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));

  commands.push_back({cmd, [flags, cmd]() -> int {
                        if (!flags->check_config.empty()) {
                          ServeSettings s;
                          if (auto e = load_config(flags->check_config, s)) {
                            std::cerr << e->message << "\n";
                            return 1;
                          }
                          std::cout << flags->check_config << ": ok\n";
                          return 0;
                        }
                        ServeSettings s;
                        if (!flags->config.empty()) {
                          if (auto e = load_config(flags->config, s)) {
                            std::cerr << "parley serve: " << e->message << "\n";
                            return 1;
                          }
                        }
                        if (cmd->count("--listen")) s.listen = flags->listen;
                        if (cmd->count("--domain")) s.domains = flags->domains;
                        if (cmd->count("--store")) s.store = flags->store;
                        if (cmd->count("--auth")) s.auth = flags->auth == "on";
                        if (cmd->count("--users")) s.users = flags->users;
                        if (cmd->count("--threads")) s.threads = flags->threads;
                        if (cmd->count("--max-transactions"))
                          s.max_transactions = flags->max_transactions;
                        if (cmd->count("--log-level")) s.log_level = flags->log_level;
                        return serve(s);
                      }});
}

}  // namespace parley::app
