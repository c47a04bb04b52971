import type { ZohoForecastType, ZohoPickListValue } from '../wire/index.ts';

export type StageCategory = 'OPEN' | 'CLOSED_WON' | 'CLOSED_LOST';

const BY_FORECAST_TYPE: Record<ZohoForecastType, StageCategory> = {
  Open: 'OPEN',
  'Closed Won': 'CLOSED_WON',
  'Closed Lost': 'CLOSED_LOST',
};

/**
 * Stage name → category, from the Deals Stage picklist's `forecast_type`. Never from the stage
 * text: orgs rename stages, and may have several Closed Lost ones. A deal carries the picklist's
 * actual value; the display value is mapped too, since some orgs show a different label.
 */
export function stageCategories(pickList: readonly ZohoPickListValue[]): Map<string, StageCategory> {
  const map = new Map<string, StageCategory>();
  for (const v of pickList) {
    const category = v.forecast_type ? BY_FORECAST_TYPE[v.forecast_type as ZohoForecastType] : undefined;
    if (!category) continue;
    map.set(v.actual_value, category);
    if (!map.has(v.display_value)) map.set(v.display_value, category);
  }
  return map;
}
