import { ref } from 'vue';

/** A flag that is on while one piece of work runs (e.g. a download), for the button's loading state. */
export function useBusy() {
  const busy = ref(false);
  async function run(work: () => Promise<unknown>) {
    busy.value = true;
    try {
      await work();
    } catch {
      // Already reported by the HTTP layer.
    } finally {
      busy.value = false;
    }
  }
  return { busy, run };
}
