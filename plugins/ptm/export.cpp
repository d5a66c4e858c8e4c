// Exports the ptm plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "ptm_plugin.hpp"

CAPSTATE_PLUGIN(capstate::ptm::PtmPlugin)
