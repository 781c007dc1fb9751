import type zh from './map.zh-CN';

/** The town map. Typed against the Chinese messages, so a missing key fails the type check. */
const en: typeof zh = {
  title: 'Town map',
  breadcrumbs: 'Area path',
  levels: {
    county: 'County',
    town: 'Town',
    village: 'Village',
    grid: 'Unit grid',
  },
  groups: {
    houses: 'Houses',
    enterprises: 'Enterprises and shops',
    places: 'Key places',
    cameras: 'Cameras',
    sensors: 'IoT sensors',
  },
  pointKinds: {
    camera: 'Camera',
    camera_ai: 'AI camera',
  },
  status: {
    loading: 'Loading outlines…',
    empty: 'There are no outlines in your area yet. Ask an administrator to import the town, village and grid outlines.',
    failed: 'The outlines could not be loaded.',
  },
  layers: {
    title: 'Layers',
    collapse: 'Collapse layers',
    expand: 'Expand layers',
    boundaries: 'Boundaries',
    records: 'Base records',
    kinds: 'Show kinds',
    loading: 'Loading',
    retry: 'Retry',
    truncated: 'Too many to show: only the first {n}',
    noRecords: 'You may not view base records; only outlines are shown.',

    offline: 'Offline devices (grey)',
  },
  area: {
    size: '{n} km²',
    statistics: 'Records',
    responsibility: 'Responsibility grid',
    responsibilityGrid: 'Responsibility grid',
    primary: 'Primary grid worker',
    backup: 'Backup grid worker',
    vacant: 'Not assigned',
    noResponsibility: 'This unit grid is not part of a responsibility grid yet.',
    primaryShort: 'Primary {name}',
    peopleShort: '{n} people',
    children: {
      town: '{n} towns',
      village: '{n} villages',
      grid: '{n} unit grids',
    },
  },
  record: {
    yes: 'Yes',
    no: 'No',
    location: 'Location',
    coordinates: 'Coordinates (WGS84)',
    updatedAt: 'Updated',
    locate: 'Show on map',
    devicePage: 'Device page',
    failed: 'This record could not be loaded. It may have been removed or be outside your area.',
    openHouse: 'House',
    openHousehold: 'Household',
    openHead: 'Head of household',
    reveal: 'Reveal',
    revealTitle: 'Reveal personal data',
    revealConfirm: 'The full {field} will be shown. This is recorded in the audit log, and reveals are limited per person per day. Continue?',
    revealHint: 'Personal data is masked. Revealing it is audited and limited per day.',
    gender: {
      M: 'Male',
      F: 'Female',
    },
    extras: {
      gender: 'Gender',
      birthDate: 'Date of birth',
      headName: 'Head of household',
      memberCount: 'Members',
    },
  },
  search: {
    placeholder: 'Search names, addresses, codes',
    areas: 'Areas',
    none: 'Nothing matches',
    searching: 'Searching…',
    more: '{n} in all: refine the search',
  },
  spot: {
    title: '{n} {group} here',
  },
  tooltip: {
    cluster: '{n} {group}: click to zoom in',
  },
  controls: {
    home: 'Whole area',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
  },
  basemap: {
    current: 'Basemap: {name}',
    short: {
      none: 'none',
      xyz: 'XYZ tiles',
      tianditu: 'Tianditu',
    },
    title: 'Basemap',
    none: 'None (default, works offline)',
    xyz: 'XYZ tile service',
    tianditu: 'Tianditu',
    keyPlaceholder: 'Tianditu key (tk)',
    noneHint: 'Only outlines and points are drawn; nothing is fetched from outside.',
    xyzHint: 'A tile URL with z, x and y placeholders. Tiles must be in WGS84/CGCS2000 (Tianditu, an in-house GIS server); GCJ-02 tiles (AMap, Tencent) appear hundreds of metres off.',
    tiandituHint: 'Tianditu vector map and labels (vec_w, cva_w). A browser key must be bound to this site’s domain in the Tianditu console.',
    storedHint: 'The choice is kept in this browser only.',
  },
};

export default en;
