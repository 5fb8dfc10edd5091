// The commands on the server's store (user, location), each in its own <name>_command.cpp,
// registered here in the order `parley --help` lists them.
#include "commands.hpp"

namespace parley::app {

void add_store_commands(CLI::App& /*app*/, std::vector<Command>& /*commands*/) {}

}  // namespace parley::app
