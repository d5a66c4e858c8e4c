// Exports the ats plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "ats_plugin.hpp"

CAPSTATE_PLUGIN(capstate::ats::AtsPlugin)
