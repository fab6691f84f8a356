# frozen_string_literal: true

require "json"

module Warehouse
  class Inventory
    include Enumerable

    Item = Struct.new(:sku, :name, :quantity, keyword_init: true)

    def initialize
      @items = {}
    end

    def add(sku:, name:, quantity: 1)
      item = @items[sku] ||= Item.new(sku: sku, name: name, quantity: 0)
      item.quantity += quantity
      self
    end

    def each(&block)
      @items.values.sort_by(&:sku).each(&block)
    end

    def low_stock(threshold = 5)
      select { |item| item.quantity < threshold }
    end

    def to_json(*args)
      map(&:to_h).to_json(*args)
    end
  end
end

if $PROGRAM_NAME == __FILE__
  inv = Warehouse::Inventory.new
  inv.add(sku: "A1", name: "bolt", quantity: 3).add(sku: "B2", name: "nut", quantity: 12)
  puts inv.low_stock.map(&:name).join(", ")
end
