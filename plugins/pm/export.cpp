// Exports the pm plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "pm_plugin.hpp"

CAPSTATE_PLUGIN(capstate::pm::PmPlugin)
