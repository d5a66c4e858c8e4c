// Exports the l1ss plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "l1ss_plugin.hpp"

CAPSTATE_PLUGIN(capstate::l1ss::L1ssPlugin)
