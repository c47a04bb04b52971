/** The Zoho fields the gateway reads: `fields` is mandatory on list GETs and capped at 50. */
export const CONTACT_FIELDS = ['First_Name', 'Last_Name', 'Full_Name', 'Email', 'Owner', 'Modified_Time'] as const;
export const DEAL_FIELDS = [
  'Deal_Name',
  'Stage',
  'Amount',
  'Closing_Date',
  'Modified_Time',
  'Owner',
  'Contact_Name',
  'Pipeline',
] as const;
