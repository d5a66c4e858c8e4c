// Exports the rebar plugin from its shared library.
#include "capstate/sdk/export.hpp"
#include "rebar_plugin.hpp"

CAPSTATE_PLUGIN(capstate::rebar::RebarPlugin)
