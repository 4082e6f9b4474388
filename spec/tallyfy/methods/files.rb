# Attaching an upload to a task form field, written by hand: uploading does
# not attach anything by itself; the asset object goes into the task's
# taskdata under the form field's ID (tallyfy-api.md §5.9).
{
  tallyfy_attach_upload: lambda do |_connection, input, asset|
    field_id = input['uploaded_from']
    next nil if field_id.blank? || asset.blank?

    { 'taskdata' => { field_id => [asset] } }
  end
}
