// Exports the sriov plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "sriov_plugin.hpp"

CAPSTATE_PLUGIN(capstate::sriov::SriovPlugin)
