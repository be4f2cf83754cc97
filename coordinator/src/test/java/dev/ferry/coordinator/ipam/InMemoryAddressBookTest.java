package dev.ferry.coordinator.ipam;

class InMemoryAddressBookTest extends AddressBookContract {
  private final AddressBook book = new InMemoryAddressBook(CLOCK);

  @Override
  AddressBook book() {
    return book;
  }
}
