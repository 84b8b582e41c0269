import { WriterDescriptor, get } from '../api';
import { nameOfId } from './labels';
import { useLoad } from './ui';

let destinationKinds: Promise<WriterDescriptor[]> | undefined;

/** The catalog's destination kinds, read once per page load (they change only with Rowflow's version); again after a failure. */
export function useDestinationKinds() {
  return useLoad(() => {
    if (!destinationKinds) {
      const loading = get<WriterDescriptor[]>('/destinations');
      destinationKinds = loading;
      loading.catch(() => {
        if (destinationKinds === loading) destinationKinds = undefined;
      });
    }
    return destinationKinds;
  }, []);
}

/** A catalog entry's name by its id ("excel" → "Excel workbook (.xlsx)"), else the id in words while the catalog is not known. */
export function catalogName(id: string, entries: { id: string; name: string }[] | undefined): string {
  return entries?.find((e) => e.id === id)?.name ?? nameOfId(id);
}
