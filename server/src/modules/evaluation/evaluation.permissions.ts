/** Reading the evaluation tables, their drill-down lists and their XLSX export. */
export const evaluationPermissions = ['event:evaluation:read'] as const;
