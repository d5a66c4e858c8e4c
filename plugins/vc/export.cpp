// Exports the vc plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "vc_plugin.hpp"

CAPSTATE_PLUGIN(capstate::vc::VcPlugin)
