// Exports the pcix plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "pcix_plugin.hpp"

CAPSTATE_PLUGIN(capstate::pcix::PcixPlugin)
