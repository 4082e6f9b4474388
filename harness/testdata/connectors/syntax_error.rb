{
  title: 'Broken',
  actions: {
    ok: {
      execute: lambda do |_connection, _input|
        { a: 1 
      end
    }
  }
}
