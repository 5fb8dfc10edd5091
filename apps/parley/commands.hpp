// Each subcommand registers itself on the CLI11 app and returns the function that runs it.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace parley::app {

using Run = std::function<int()>;
struct Command {
  CLI::App* cli;
  Run run;
};

Command add_parse_command(CLI::App& app);

}  // namespace parley::app
