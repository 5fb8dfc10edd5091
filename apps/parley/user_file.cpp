#include "user_file.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <future>
#include <memory>
#include <mutex>

#include "auth/digest.hpp"

namespace parley::app {

std::optional<UserName> split_address(std::string_view address) {
  if (address.starts_with("sip:")) address.remove_prefix(4);
  if (address.starts_with("sips:")) address.remove_prefix(5);
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return std::nullopt;
  auto user = address.substr(0, at), realm = address.substr(at + 1);
  auto bad = [](std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) {
      return c <= ' ' || c == '"' || c == '<' || c == '>' || c == 0x7f;
    });
  };
  if (bad(user) || bad(realm) || realm.find(':') != std::string_view::npos) return std::nullopt;
  return UserName{std::string(user), std::string(realm)};
}

location::User make_user(const UserName& name, std::string_view password) {
  using auth::DigestAlgorithm;
  return {name.username, name.realm,
          auth::ha1(DigestAlgorithm::Md5, name.username, name.realm, password),
          auth::ha1(DigestAlgorithm::Sha256, name.username, name.realm, password),
          auth::ha1(DigestAlgorithm::Sha512_256, name.username, name.realm, password)};
}

Result<std::vector<location::User>, std::string> read_users(std::istream& in,
                                                            std::string_view name) {
  std::vector<location::User> users;
  std::string line;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view rest = line;
    while (!rest.empty() && blank(rest.front())) rest.remove_prefix(1);
    while (!rest.empty() && blank(rest.back())) rest.remove_suffix(1);
    if (rest.empty() || rest.front() == '#') continue;
    auto end = std::find_if(rest.begin(), rest.end(), blank) - rest.begin();
    auto address = rest.substr(0, end);
    auto password = rest.substr(end);
    while (!password.empty() && blank(password.front())) password.remove_prefix(1);
    auto user = split_address(address);
    if (!user)
      return fail(fmt::format("{}:{}: '{}' is not an address like alice@example.com", name, number,
                              address));
    if (password.empty())
      return fail(fmt::format("{}:{}: no password after '{}'", name, number, address));
    users.push_back(make_user(*user, password));
  }
  if (in.bad()) return fail(fmt::format("{}: read error", name));
  return users;
}

Result<std::size_t, location::StoreError> put_users(location::Store& store,
                                                    const std::vector<location::User>& users,
                                                    std::chrono::seconds limit) {
  using R = Result<std::size_t, location::StoreError>;
  if (users.empty()) return std::size_t{0};
  // The answers may come on the store's own threads; the last one (or the first failure) ends
  // the wait.
  struct Wait {
    std::mutex mutex;
    std::size_t left;
    bool done = false;
    std::promise<R> promise;
  };
  auto wait = std::make_shared<Wait>();
  wait->left = users.size();
  auto future = wait->promise.get_future();
  for (const auto& user : users)
    store.put_user(user, location::Callback<bool>([wait, n = users.size()](auto r) {
                     std::lock_guard lock(wait->mutex);
                     if (wait->done) return;
                     if (!r) {
                       wait->done = true;
                       wait->promise.set_value(fail(r.error()));
                     } else if (--wait->left == 0) {
                       wait->done = true;
                       wait->promise.set_value(n);
                     }
                   }));
  if (future.wait_for(limit) != std::future_status::ready)
    return fail(location::StoreError{location::StoreError::Kind::Unavailable, 500,
                                     "the store did not answer in time"});
  return future.get();
}

}  // namespace parley::app
