// parley user add|import|remove|list: the users allowed to register, in the server's store (the
// same
// --store as `parley serve`), usable while the server runs. A user is named by an address,
// alice@example.com: the user part is the digest username, the domain the realm; the password
// is kept only as HA1 = H(username:realm:password) for MD5, SHA-256 and SHA-512-256 (RFC 7616).
// Exit 0 on success, 1 when the store fails or the user to remove does not exist, 2 on bad usage.
#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "commands.hpp"
#include "location/store.hpp"
#include "store_call.hpp"
#include "user_file.hpp"

namespace parley::app {

namespace {

struct UserOptions {
  std::string store = kDefaultStore;
  std::string address;
  std::string password;
  std::string file = "-";
  bool json = false;
};

// The store, or the exit code to end with.
std::variant<std::unique_ptr<location::Store>, int> open(const std::string& spec) {
  if (!known_store_kind(spec)) {
    std::cerr << "parley: --store " << spec
              << ": expected memory, sqlite:PATH or redis://HOST:PORT[/DB]\n";
    return 2;
  }
  auto store = location::open_store(spec);
  if (!store) {
    std::cerr << "parley: cannot open the store: " << store.error() << "\n";
    return 1;
  }
  return std::move(*store);
}

int add(const UserOptions& o) {
  auto name = split_address(o.address);
  if (!name) {
    std::cerr << "parley user add: '" << o.address
              << "' is not an address like alice@example.com\n";
    return 2;
  }
  if (o.password.empty()) {
    std::cerr << "parley user add: the password may not be empty\n";
    return 2;
  }
  auto opened = open(o.store);
  if (auto* rc = std::get_if<int>(&opened)) return *rc;
  auto& store = std::get<0>(opened);
  auto user = make_user(*name, o.password);
  auto r = store_call<bool>([&](auto cb) { store->put_user(user, cb); });
  store->close();
  if (!r) {
    std::cerr << "parley user add: " << r.error().reason << "\n";
    return 1;
  }
  std::cout << "user " << name->username << "@" << name->realm << " added (realm " << name->realm
            << ")\n";
  return 0;
}

// Every user of a users file (user_file.hpp), all or none: a bad line changes nothing.
int import(const UserOptions& o) {
  std::ifstream file;
  if (o.file != "-") {
    file.open(o.file);
    if (!file) {
      std::cerr << "parley user import: cannot read " << o.file << "\n";
      return 1;
    }
  }
  auto users = read_users(o.file == "-" ? std::cin : file, o.file == "-" ? "stdin" : o.file);
  if (!users) {
    std::cerr << "parley user import: " << users.error() << "\n";
    return 2;
  }
  auto opened = open(o.store);
  if (auto* rc = std::get_if<int>(&opened)) return *rc;
  auto& store = std::get<0>(opened);
  auto r = put_users(*store, *users);
  store->close();
  if (!r) {
    std::cerr << "parley user import: " << r.error().reason << "\n";
    return 1;
  }
  std::cout << *r << " user" << (*r == 1 ? "" : "s") << " imported\n";
  return 0;
}

int remove(const UserOptions& o) {
  auto name = split_address(o.address);
  if (!name) {
    std::cerr << "parley user remove: '" << o.address
              << "' is not an address like alice@example.com\n";
    return 2;
  }
  auto opened = open(o.store);
  if (auto* rc = std::get_if<int>(&opened)) return *rc;
  auto& store = std::get<0>(opened);
  auto r = store_call<bool>([&](auto cb) { store->remove_user(name->username, name->realm, cb); });
  store->close();
  if (!r) {
    std::cerr << "parley user remove: " << r.error().reason << "\n";
    return 1;
  }
  if (!*r) {
    std::cerr << "parley user remove: no user " << name->username << "@" << name->realm << "\n";
    return 1;
  }
  std::cout << "user " << name->username << "@" << name->realm << " removed\n";
  return 0;
}

int list(const UserOptions& o) {
  auto opened = open(o.store);
  if (auto* rc = std::get_if<int>(&opened)) return *rc;
  auto& store = std::get<0>(opened);
  auto r = store_call<std::vector<location::User>>([&](auto cb) { store->list_users(cb); });
  store->close();
  if (!r) {
    std::cerr << "parley user list: " << r.error().reason << "\n";
    return 1;
  }
  auto users = std::move(*r);
  std::sort(users.begin(), users.end(), [](const auto& a, const auto& b) {
    return std::tie(a.realm, a.username) < std::tie(b.realm, b.username);
  });
  if (o.json) {
    auto j = nlohmann::json::array();
    for (const auto& u : users)
      j.push_back(
          {{"user", u.username + "@" + u.realm}, {"username", u.username}, {"realm", u.realm}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (users.empty()) {
    std::cout << "no users; add one with: parley user add alice@example.com --password SECRET\n";
    return 0;
  }
  for (const auto& u : users) std::cout << u.username << "@" << u.realm << "\n";
  return 0;
}

}  // namespace

Command add_user_command(CLI::App& app) {
  auto o = std::make_shared<UserOptions>();
  auto* user = app.add_subcommand("user", "manage the users allowed to register (digest auth)");
  user->require_subcommand(1);
  user->add_option("--store", o->store,
                   "the server's store: memory | sqlite:PATH | redis://HOST:PORT[/DB]")
      ->capture_default_str();
  auto* add_cmd = user->add_subcommand("add", "add a user, or set a user's password");
  add_cmd->fallthrough();
  add_cmd->add_option("address", o->address, "the user as user@domain (the domain is the realm)")
      ->required();
  add_cmd->add_option("--password", o->password, "the password (stored as HA1 hashes only)")
      ->required();
  auto* import_cmd = user->add_subcommand(
      "import", "add or update many users from a file of 'address password' lines");
  import_cmd->fallthrough();
  import_cmd->add_option("file", o->file, "the users file ('-', the default, for stdin)");
  auto* remove_cmd = user->add_subcommand("remove", "remove a user");
  remove_cmd->fallthrough();
  remove_cmd->add_option("address", o->address, "the user as user@domain")->required();
  auto* list_cmd = user->add_subcommand("list", "list the users");
  list_cmd->fallthrough();
  list_cmd->add_flag("--json", o->json, "print JSON");
  return {user, [o, add_cmd, import_cmd, remove_cmd, list_cmd]() {
            if (add_cmd->parsed()) return add(*o);
            if (import_cmd->parsed()) return import(*o);
            if (remove_cmd->parsed()) return remove(*o);
            if (list_cmd->parsed()) return list(*o);
            return 2;
          }};
}

}  // namespace parley::app
