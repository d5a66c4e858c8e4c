// Exports the dpc plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "dpc_plugin.hpp"

CAPSTATE_PLUGIN(capstate::dpc::DpcPlugin)
