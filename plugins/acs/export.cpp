// Exports the acs plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "acs_plugin.hpp"

CAPSTATE_PLUGIN(capstate::acs::AcsPlugin)
