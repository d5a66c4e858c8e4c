// Exports the aer plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "aer_plugin.hpp"

CAPSTATE_PLUGIN(capstate::aer::AerPlugin)
