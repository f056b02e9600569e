import { createContext, useContext } from 'react';

/**
 * Whether the model view is on screen. It stays mounted while a pipeline or the diff is shown (so its
 * state survives), and its window-wide shortcuts (undo, find, view keys) must then stay quiet.
 */
export const ShownContext = createContext(true);

export const useShown = () => useContext(ShownContext);
