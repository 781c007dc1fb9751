import { computed, shallowRef } from 'vue';
import { divisionsApi, type Division } from '../api/divisions';
import { organizationsApi, type Organization } from '../api/organizations';
import { rolesApi, type Role } from '../api/roles';
import { useSessionStore } from '../stores/session';
import { buildTree } from '../utils/tree';

const bySort = <T extends { sort: number }>(a: T, b: T) => a.sort - b.sort;

/**
 * Divisions, organisations and roles used to fill selects and trees. Each list loads only when the
 * person may read it; otherwise it stays empty and the page degrades (plain codes, free input).
 */
export function useReferenceData() {
  const session = useSessionStore();
  const divisions = shallowRef<Division[]>([]);
  const organizations = shallowRef<Organization[]>([]);
  const roles = shallowRef<Role[]>([]);

  const divisionTree = computed(() => buildTree(divisions.value, (d) => d.code, (d) => d.parentCode, (d) => d.name, (a, b) => bySort(a, b) || a.code.localeCompare(b.code)));
  const organizationTree = computed(() => buildTree(organizations.value, (o) => o.id, (o) => o.parentId, (o) => o.name, bySort));
  const divisionNames = computed(() => new Map(divisions.value.map((d) => [d.code, d.name])));

  const canReadDivisions = computed(() => session.can('system:division:read'));
  const canReadOrganizations = computed(() => session.can('system:organization:read'));
  const canManageUsers = computed(() => session.can('system:user:create') || session.can('system:user:update'));
  const canReadRoles = computed(() => session.can('system:role:read') || canManageUsers.value);

  async function loadDivisions() {
    if (canReadDivisions.value) divisions.value = await divisionsApi.list();
  }
  async function loadOrganizations() {
    if (canReadOrganizations.value) organizations.value = await organizationsApi.list();
  }
  async function loadRoles() {
    if (session.can('system:role:read')) roles.value = await rolesApi.list();
    else if (canManageUsers.value) roles.value = await rolesApi.assignable();
  }

  return {
    divisions,
    organizations,
    roles,
    divisionTree,
    organizationTree,
    divisionNames,
    canReadDivisions,
    canReadOrganizations,
    canReadRoles,
    loadDivisions,
    loadOrganizations,
    loadRoles,
  };
}
