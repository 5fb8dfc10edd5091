// Users given as text — an address and a password — turned into what the store keeps: the
// digest username, the realm and the HA1 hashes (RFC 7616 §3.4.2), never the password. Shared by
// `parley user add`, `parley user import FILE` and `parley serve --users FILE` (the only way to
// give users to a server whose store is `memory`).
//
// A users file has one user per line, the address and the password separated by blanks:
//
//     # comments and blank lines are ignored
//     alice@example.com   secret
//     sip:bob@example.com hunter2
//
// The password is the rest of the line after the blanks, so it may contain spaces inside.
#pragma once

#include <chrono>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "location/store.hpp"

namespace parley::app {

struct UserName {
  std::string username;  // the digest username, "alice"
  std::string realm;     // the domain, "example.com"
};

// "alice@example.com" or "sip:alice@example.com" -> {alice, example.com}; nullopt when it is not
// such an address.
std::optional<UserName> split_address(std::string_view address);

// The user with the HA1 of every algorithm parley serves.
location::User make_user(const UserName& name, std::string_view password);

// Every user of a users file; the first bad line is an error "NAME:LINE: what", and then none of
// the file's users is returned.
Result<std::vector<location::User>, std::string> read_users(std::istream& in,
                                                            std::string_view name);

// Puts every user into the store at once (the SQLite store commits them in a few batches, Redis
// pipelines them) and waits for the last answer, at most `limit`. The first failure is returned.
Result<std::size_t, location::StoreError> put_users(
    location::Store& store, const std::vector<location::User>& users,
    std::chrono::seconds limit = std::chrono::seconds(60));

}  // namespace parley::app
