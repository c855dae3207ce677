"""The regions partners work in (federal districts). Codes are stored; names are translated."""

from portal.i18n import N_

REGIONS: dict[str, str] = {
    "central": N_("Central"),
    "north_west": N_("North-West"),
    "south": N_("South"),
    "north_caucasus": N_("North Caucasus"),
    "volga": N_("Volga"),
    "ural": N_("Ural"),
    "siberia": N_("Siberia"),
    "far_east": N_("Far East"),
}
