// Exports the pcie plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "pcie_plugin.hpp"

CAPSTATE_PLUGIN(capstate::pcie::PciePlugin)
