import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ProfileState, ProfileStore } from './profile-store.js';

export const ProfileStoreContext = createContext<ProfileStore | null>(null);

export function useProfile<T>(selector: (s: ProfileState) => T): T {
  const store = useContext(ProfileStoreContext);
  if (!store) throw new Error('useProfile must be used inside <ProfileStoreContext.Provider>');
  return useStore(store, selector);
}
