// parley parse [FILE...]: lint SIP messages copied out of logs or captures. One message per file
// (stdin when none); prints each as canonical SIP, or with --json as a JSON tree whose headers
// carry their typed fields. Every problem of a message gets one error line
// (file:line:offset: error: what (a server answers NNN)); exit 0 when every message is well
// formed, 1 otherwise.
#include <fmt/core.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "body_json.hpp"
#include "commands.hpp"
#include "header_json.hpp"
#include "message/any_header.hpp"
#include "message/message.hpp"

namespace parley::app {

namespace {

using message::Message;

struct Options {
  std::vector<std::string> files;
  bool json = false;
  bool quiet = false;
};

nlohmann::json to_json(const Message& m) {
  nlohmann::json j;
  if (m.is_request()) {
    j["request"] = {
        {"method", m.method_name()}, {"uri", m.request_uri_text()}, {"version", m.version()}};
  } else {
    j["response"] = {{"status", m.status()}, {"reason", m.reason()}, {"version", m.version()}};
  }
  auto& headers = j["headers"] = nlohmann::json::array();
  for (const auto& f : m.fields()) {
    std::string_view canonical = message::header_name(f.id);
    nlohmann::json h = {{"name", canonical.empty() ? f.name : canonical}, {"value", f.value}};
    if (f.id != message::HeaderId::Unknown) {
      auto typed = message::parse_header(f.id, f.value);
      if (typed)
        h["typed"] = parley::app::to_json(*typed);
      else
        h["error"] = m.locate(typed.error(), f).what;
    }
    headers.push_back(std::move(h));
  }
  j["body"] = m.body();
  if (auto body = inspect_body(m); !body.json.is_null()) j.update(body.json);
  return j;
}

// Reads a whole file, or stdin for "-".
bool read_input(const std::string& path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), {});
    return true;
  }
  // A directory opens as a stream on Linux and then throws on the first read.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  try {
    out.assign(std::istreambuf_iterator<char>(in), {});
  } catch (const std::ios_base::failure&) {
    return false;
  }
  return true;
}

int run(const Options& opt) {
  std::vector<std::string> files = opt.files.empty() ? std::vector<std::string>{"-"} : opt.files;
  int bad = 0;
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& path : files) {
    std::string name = path == "-" ? "<stdin>" : path;
    std::string bytes;
    if (!read_input(path, bytes)) {
      fmt::print(stderr, "{}: error: cannot read the file\n", name);
      ++bad;
      continue;
    }
    auto parsed = Message::parse(bytes);
    std::vector<message::ParseError> problems;
    if (!parsed)
      problems.push_back(parsed.error());
    else
      problems = message::lint(*parsed);
    if (parsed)
      if (auto body = inspect_body(*parsed); body.problem) problems.push_back(*body.problem);
    for (const message::ParseError& err : problems)
      fmt::print(stderr, "{}:{}:{}: error: {} (a server answers {})\n", name, err.line, err.offset,
                 err.what, err.status);
    if (!problems.empty()) ++bad;
    // A message that parsed still goes out as JSON, its bad header fields marked with "error".
    if (!parsed || opt.quiet || (!problems.empty() && !opt.json)) continue;
    if (opt.json) {
      nlohmann::json j = to_json(*parsed);
      j["file"] = name;
      all.push_back(std::move(j));
    } else {
      std::cout << parsed->canonical();
      if (files.size() > 1) std::cout << "\n";
    }
  }
  // Bodies and header values need not be UTF-8: bad bytes become U+FFFD rather than an exception.
  if (opt.json && !opt.quiet)
    std::cout << (all.size() == 1 ? all[0] : all)
                     .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
              << "\n";
  return bad == 0 ? 0 : 1;
}

}  // namespace

Command add_parse_command(CLI::App& app) {
  auto opt = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("parse", "Check SIP messages (one per file) and print them canonically");
  cmd->add_option("files", opt->files, "Files holding one message each ('-' or none: stdin)");
  cmd->add_flag("--json", opt->json,
                "Print a JSON tree: start line, headers with typed fields, body, SDP");
  cmd->add_flag("-q,--quiet", opt->quiet, "Print only errors");
  cmd->footer("Exit status: 0 when every message is well formed, 1 otherwise.");
  return {cmd, [opt] { return run(*opt); }};
}

}  // namespace parley::app
